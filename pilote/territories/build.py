"""Build the compact COG dataset shipped in the repository from `@etalab/decoupage-administratif`.

The npm package holds about 12 MB of JSON; the application needs a fraction of it. `build_dataset()`
reads the package's `data/` folder and returns a small dict of arrays (see `COLUMNS`), which
`write_dataset()` stores gzipped in `pilote/territories/data/cog.json.gz` and `read_dataset()`
reads back. Nothing here touches the database: `services.load_territories()` does.

Populations come from two files of *different* years, and each figure keeps its own millésime:

- `communes.json` → `population` = INSEE population municipale of the latest populations légales;
- `epci.json` → `populationTotale` / `populationMunicipale` of each EPCI and of each member
  commune, copied by the DGCL from the populations légales of the year before.

The package never states these years in its data, so they are recorded per release in
`KNOWN_RELEASES` with the reasoning, and must be given explicitly for any other release.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE_NAME = "@etalab/decoupage-administratif"
FORMAT_VERSION = 1
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")

# Column order of each array in the derived file; recorded in its metadata as well.
COLUMNS = {
    "regions": ["code", "name"],
    "departements": ["code", "name", "region"],
    "epci": [
        "siren",
        "name",
        "kind",
        "population_totale",
        "population_municipale",
        "population_millesime",
    ],
    "communes": [
        "code",
        "name",
        "departement",
        "region",
        "postal_codes",
        "population",
        "population_millesime",
        "population_totale",
        "population_totale_millesime",
        "epci",
    ],
}

# Outre-mer: the pseudo-départements of the collectivités d'outre-mer (COM) and Mayotte are not
# covered by the annual census the same way as the rest of France.
MAYOTTE = "976"
COM_DEPARTEMENTS = frozenset({"975", "977", "978", "984", "986", "987", "988", "989"})


class TerritoriesDataError(Exception):
    """Raised when a package or a derived file cannot be read or is inconsistent."""


@dataclass(frozen=True)
class PopulationMillesimes:
    """Census years of the population figures of one package release.

    `communes` applies to `communes.json` and `epci` to `epci.json` (EPCI totals and members), in
    metropolitan France and the DROM. `communes_by_departement` and `epci_by_departement` override
    them for some outre-mer départements; None there means the year is unknown.
    """

    communes: int
    epci: int
    communes_by_departement: dict[str, int | None] = field(default_factory=dict)
    epci_by_departement: dict[str, int | None] = field(default_factory=dict)

    def for_commune(self, departement: str) -> int | None:
        """Return the millésime of the `communes.json` population of a commune."""
        return self.communes_by_departement.get(departement, self.communes)

    def for_epci_member(self, departement: str) -> int | None:
        """Return the millésime of the `epci.json` populations of a commune or EPCI."""
        return self.epci_by_departement.get(departement, self.epci)

    @classmethod
    def for_unknown_release(cls, *, communes: int, epci: int) -> PopulationMillesimes:
        """Return millésimes given by hand: outre-mer exceptions are then marked unknown."""
        unknown = dict.fromkeys([MAYOTTE, *sorted(COM_DEPARTEMENTS)])
        return cls(
            communes=communes,
            epci=epci,
            communes_by_departement=unknown,
            epci_by_departement=dict(unknown),
        )

    def as_metadata(self) -> dict[str, Any]:
        """Return a JSON-serialisable description."""
        return {
            "communes": self.communes,
            "epci": self.epci,
            "communes_by_departement": self.communes_by_departement,
            "epci_by_departement": self.epci_by_departement,
        }


# How the millésimes of 6.0.0 were established (the package only links the INSEE pages):
# - its README cites the INSEE populations légales release 8680726, published in December 2025:
#   populations légales *2023*, in force on 1 January 2026. `communes.json` matches it (Paris
#   2,103,778; Marseille 886,040);
# - `epci.json` (DGCL file epcicom2026) gives exactly the `communes.json` populations of release
#   4.1.0, whose README cites the December 2024 release 8290591, i.e. populations légales *2022*
#   (Paris 2,113,705; Marseille 877,215); for CA Provence-Alpes-Agglomération this is 48,726;
# - Mayotte: the README states "population Mayotte INSEE 2017" (census of 2017), in both files;
# - COM (same INSEE release, page 8680702): Saint-Pierre-et-Miquelon, Saint-Barthélemy and
#   Saint-Martin follow the annual census (2023); Wallis-et-Futuna totals 11,151 = census 2023;
#   Polynésie française totals 278,786 = census 2022; Nouvelle-Calédonie totals 264,596, which
#   is no longer the 2019 census (271,407, still in 4.1.0) and whose year the package does not
#   state: left unknown. The TAAF (984) and Clipperton (989) have no population.
KNOWN_RELEASES: dict[str, PopulationMillesimes] = {
    "6.0.0": PopulationMillesimes(
        communes=2023,
        epci=2022,
        communes_by_departement={
            MAYOTTE: 2017,
            "975": 2023,
            "977": 2023,
            "978": 2023,
            "984": None,
            "986": 2023,
            "987": 2022,
            "988": None,
            "989": None,
        },
        epci_by_departement={MAYOTTE: 2017},
    ),
}


def _read_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError as e:
        raise TerritoriesDataError(f"Fichier introuvable : {path}") from e
    except (OSError, ValueError) as e:
        raise TerritoriesDataError(f"Fichier illisible : {path} ({e})") from e


NPM_TIMEOUT_SECONDS = 180


def fetch_package(version: str, directory: Path) -> Path:
    """Download and unpack a release of the package with `npm pack`; return its folder."""
    if not VERSION_PATTERN.match(version):
        raise TerritoriesDataError(
            f"Version invalide : « {version} » (format attendu : X.Y.Z, par exemple 6.0.0)."
        )
    npm = shutil.which("npm")
    if npm is None:
        raise TerritoriesDataError(
            "npm est introuvable : installez Node.js et npm, ou téléchargez le paquet "
            f"{PACKAGE_NAME} ailleurs et indiquez son dossier décompressé avec --source."
        )
    try:
        subprocess.run(  # noqa: S603 (fixed executable, validated version, no shell)
            [npm, "pack", f"{PACKAGE_NAME}@{version}"],
            cwd=directory,
            check=True,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired as e:
        raise TerritoriesDataError(
            f"Téléchargement de {PACKAGE_NAME}@{version} interrompu après "
            f"{NPM_TIMEOUT_SECONDS} s : le registre npm est-il joignable ?"
        ) from e
    except subprocess.CalledProcessError as e:
        lines = (e.stderr or "").strip().splitlines()
        errors = [line for line in lines if line.startswith(("npm error", "npm ERR!"))]
        detail = " / ".join(errors[:2] or lines[-1:]) or f"code de sortie {e.returncode}"
        raise TerritoriesDataError(
            f"Téléchargement de {PACKAGE_NAME}@{version} impossible (réseau indisponible, "
            f"registre injoignable ou version inexistante) : {detail}"
        ) from e
    archives = sorted(directory.glob("*.tgz"))
    if len(archives) != 1:
        raise TerritoriesDataError(f"npm pack n'a pas produit d'archive dans {directory}.")
    try:
        with tarfile.open(archives[0]) as archive:
            archive.extractall(directory, filter="data")
    except (OSError, tarfile.TarError) as e:
        raise TerritoriesDataError(f"Archive illisible : {archives[0]} ({e})") from e
    return find_package_dir(directory)


def find_package_dir(source: Path) -> Path:
    """Return the folder holding `data/` in an unpacked package (`source` or `source/package`)."""
    if not source.is_dir():
        raise TerritoriesDataError(f"Dossier source introuvable : {source}")
    for candidate in (source, source / "package"):
        if (candidate / "data" / "communes.json").is_file():
            return candidate
    raise TerritoriesDataError(
        f"Le dossier {source} ne contient pas de paquet {PACKAGE_NAME} "
        "(data/communes.json est absent)."
    )


def package_version(package_dir: Path) -> str:
    """Return the version declared in the package's `package.json`."""
    manifest = _read_json(package_dir / "package.json")
    version = manifest.get("version") if isinstance(manifest, dict) else None
    if not isinstance(version, str) or not VERSION_PATTERN.match(version):
        raise TerritoriesDataError(f"Version absente ou invalide dans {package_dir}/package.json.")
    return version


def cog_year(package_dir: Path, version: str) -> int | None:
    """Return the COG year of this release, read from the table of the package's README."""
    try:
        readme = (package_dir / "README.md").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(rf"^\|\s*(\d{{4}})\s*\|\s*{re.escape(version)}\s*\|", readme, re.MULTILINE)
    return int(match.group(1)) if match else None


def build_dataset(
    package_dir: Path,
    *,
    millesimes: PopulationMillesimes | None = None,
    cog: int | None = None,
) -> dict[str, Any]:
    """Return the compact dataset built from an unpacked `@etalab/decoupage-administratif`.

    `millesimes` and `cog` default to what is known of the release (`KNOWN_RELEASES`, README).
    """
    version = package_version(package_dir)
    if millesimes is None:
        millesimes = KNOWN_RELEASES.get(version)
    if millesimes is None:
        raise TerritoriesDataError(
            f"Millésimes des populations inconnus pour la version {version} du paquet : "
            "indiquez-les (--millesime-communes et --millesime-epci)."
        )
    data = package_dir / "data"
    try:
        regions = [[r["code"], r["nom"]] for r in _read_json(data / "regions.json")]
        departements = [
            [d["code"], d["nom"], d["region"]] for d in _read_json(data / "departements.json")
        ]
        raw_communes = [
            c for c in _read_json(data / "communes.json") if c["type"] == "commune-actuelle"
        ]
        raw_epcis = _read_json(data / "epci.json")
    except (KeyError, TypeError) as e:
        raise TerritoriesDataError(f"Format inattendu dans {data} : champ {e} manquant.") from e

    epcis, members = _epci_rows(raw_epcis, raw_communes, millesimes, data)
    communes = _commune_rows(raw_communes, regions, departements, members, millesimes)
    return {
        "meta": {
            "format": FORMAT_VERSION,
            "source": {
                "package": PACKAGE_NAME,
                "version": version,
                "url": f"https://www.npmjs.com/package/{PACKAGE_NAME}/v/{version}",
                "licence": "Licence Ouverte / Open Licence 2.0 (Etalab)",
                "producers": "INSEE (COG, populations légales), DGCL (EPCI), La Poste",
            },
            "cog": cog or cog_year(package_dir, version),
            "population_millesimes": millesimes.as_metadata(),
            "columns": COLUMNS,
        },
        "regions": sorted(regions),
        "departements": sorted(departements),
        "epci": epcis,
        "communes": communes,
    }


def _epci_rows(
    raw_epcis: list, raw_communes: list, millesimes: PopulationMillesimes, data: Path
) -> tuple[list[list], dict[str, tuple[str, dict[str, Any]]]]:
    """Return the EPCI rows and, by commune code, the SIREN of its EPCI and its member entry."""
    commune_departements = {c["code"]: c["departement"] for c in raw_communes}
    epcis = []
    members: dict[str, tuple[str, dict[str, Any]]] = {}
    try:
        for e in sorted(raw_epcis, key=lambda e: e["code"]):
            member_departements = sorted(
                {commune_departements.get(m["code"], "") for m in e["membres"]}
            )
            epcis.append(
                [
                    e["code"],
                    e["nom"],
                    e["type"],
                    e.get("populationTotale"),
                    e.get("populationMunicipale"),
                    # An EPCI never spans metropolitan France and outre-mer.
                    millesimes.for_epci_member(member_departements[0]),
                ]
            )
            for m in e["membres"]:
                if m["code"] in members:
                    raise TerritoriesDataError(
                        f"La commune {m['code']} appartient à deux EPCI : "
                        f"{members[m['code']][0]} et {e['code']}."
                    )
                members[m["code"]] = (e["code"], m)
    except (KeyError, TypeError, IndexError) as e:
        raise TerritoriesDataError(f"Format inattendu dans {data}/epci.json : {e!r}.") from e

    unknown = sorted(set(members) - set(commune_departements))
    if unknown:
        raise TerritoriesDataError(
            f"{len(unknown)} membres d'EPCI ne sont pas des communes actuelles : "
            + ", ".join(unknown[:10])
        )
    return epcis, members


def _commune_rows(
    raw_communes: list,
    regions: list[list],
    departements: list[list],
    members: dict[str, tuple[str, dict[str, Any]]],
    millesimes: PopulationMillesimes,
) -> list[list]:
    """Return the commune rows, each with its populations, their millésimes and its EPCI."""
    region_codes = {r[0] for r in regions}
    departement_codes = {d[0] for d in departements}
    communes = []
    for c in sorted(raw_communes, key=lambda c: c["code"]):
        if c["departement"] not in departement_codes or c["region"] not in region_codes:
            raise TerritoriesDataError(
                f"La commune {c['code']} renvoie à un département ou une région inconnus."
            )
        epci_siren, member = members.get(c["code"], (None, None))
        population = c.get("population")
        population_totale = member.get("populationTotale") if member else None
        communes.append(
            [
                c["code"],
                c["nom"],
                c["departement"],
                c["region"],
                " ".join(c.get("codesPostaux", [])),
                population,
                millesimes.for_commune(c["departement"]) if population is not None else None,
                population_totale,
                millesimes.for_epci_member(c["departement"])
                if population_totale is not None
                else None,
                epci_siren,
            ]
        )
    return communes


def write_dataset(dataset: dict[str, Any], path: Path) -> None:
    """Write the dataset gzipped, byte-for-byte reproducible (no timestamp, stable order)."""
    payload = json.dumps(dataset, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    tmp.replace(path)


def read_dataset(path: Path) -> dict[str, Any]:
    """Return the dataset stored at `path`, checking its format."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            dataset = json.load(f)
    except FileNotFoundError as e:
        raise TerritoriesDataError(f"Fichier de données introuvable : {path}") from e
    except (OSError, ValueError) as e:
        raise TerritoriesDataError(f"Fichier de données illisible : {path} ({e})") from e
    if not isinstance(dataset, dict) or dataset.get("meta", {}).get("format") != FORMAT_VERSION:
        raise TerritoriesDataError(f"Format de fichier non reconnu : {path}")
    for key, columns in COLUMNS.items():
        rows = dataset.get(key)
        if not isinstance(rows, list) or any(len(row) != len(columns) for row in rows):
            raise TerritoriesDataError(f"Section « {key} » invalide dans {path}")
    return dataset


def compare_datasets(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Return what changes from `old` to `new`: codes added and removed, renamings, populations."""

    def index(dataset: dict[str, Any] | None, key: str) -> dict[str, list[Any]]:
        return {row[0]: row for row in dataset[key]} if dataset else {}

    changes: dict[str, Any] = {}
    for key in ("communes", "epci"):
        before, after = index(old, key), index(new, key)
        common = before.keys() & after.keys()
        population_columns = [
            i for i, name in enumerate(COLUMNS[key]) if name.startswith("population")
        ]
        changes[key] = {
            "count": len(after),
            "added": sorted(after.keys() - before.keys()),
            "removed": sorted(before.keys() - after.keys()),
            "renamed": sorted(code for code in common if before[code][1] != after[code][1]),
            "populations_changed": sum(
                1
                for code in common
                if any(before[code][i] != after[code][i] for i in population_columns)
            ),
        }
        if key == "communes":
            epci_column = COLUMNS[key].index("epci")
            changes[key]["epci_changed"] = sum(
                1 for code in common if before[code][epci_column] != after[code][epci_column]
            )
    return changes
