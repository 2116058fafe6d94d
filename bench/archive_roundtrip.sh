#!/bin/bash
# The CTG archive round trip from the command line, between two separate SQLite databases:
# the source with the demo CTGs and their activity, the target empty (territories only).
# Each demo CTG is exported as an archive, imported into the target, exported again; the JSON
# and the archive must be identical. Usage: bench/archive_roundtrip.sh [WORK_DIR]
# SRC_URL / DST_URL (DATABASE_URL forms) choose other databases, e.g. PostgreSQL to SQLite.
set -e
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG=1
D=${1:-/tmp/archive-roundtrip}
rm -rf $D/src.sqlite3 $D/dst.sqlite3 $D/media-src $D/media-dst $D/out
mkdir -p $D/out
SRC_URL=${SRC_URL:-sqlite:///$D/src.sqlite3}
DST_URL=${DST_URL:-sqlite:///$D/dst.sqlite3}
for url in $SRC_URL $DST_URL; do
  DATABASE_URL=$url $PY manage.py migrate -v0
  DATABASE_URL=$url $PY manage.py load_territories -v0
done
export DATABASE_URL=$SRC_URL MEDIA_ROOT=$D/media-src
$PY manage.py load_demo -v0
$PY manage.py generate_demo_activity
for slug in pays-salonais-2025-2028 tarn-agout-2023-2026 provence-alpes-agglomeration-2026-2030; do
  $PY manage.py export_ctg $slug --format archive -o $D/out/$slug.1.zip
  DATABASE_URL=$DST_URL MEDIA_ROOT=$D/media-dst $PY manage.py import_ctg $D/out/$slug.1.zip
  DATABASE_URL=$DST_URL MEDIA_ROOT=$D/media-dst $PY manage.py export_ctg $slug --format archive -o $D/out/$slug.2.zip
  (cd $D/out && unzip -p $slug.1.zip ctg.json > $slug.1.json && unzip -p $slug.2.zip ctg.json > $slug.2.json)
  echo "== $slug: updates=$(python3 -c "import json;d=json.load(open('$D/out/$slug.1.json'));print(len(d['monitoring']['updates']), 'measurements=', len(d['monitoring']['measurements']), 'memberships=', len(d['memberships']), 'history rows=', sum(len(v) for v in d['history'].values()))")"
  diff $D/out/$slug.1.json $D/out/$slug.2.json && echo "JSON identical" 
  cmp $D/out/$slug.1.zip $D/out/$slug.2.zip && echo "archive identical byte for byte"
done
