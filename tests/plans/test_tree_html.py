"""The plan tree rendered in one pass: escaping, controls by role, badges, bounded queries."""

import gzip

import pytest
from django.urls import reverse

from pilote.accounts.models import Organisation
from pilote.plans.models import PlanNode
from tests.factories import PlanNodeFactory, build_plan, thematic

pytestmark = pytest.mark.django_db

# session, user, CTG, memberships, the element and its 9 prefetched relations, the lineage,
# follow-up (updates, attachments, permission), facilities, decisions: not one per element.
ACTION_PAGE_QUERIES = 24


def tree(client, convention) -> str:
    response = client.get(reverse("plans:tree", kwargs={"slug": convention.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_titles_levels_pilots_and_thematics_are_escaped(editor_client, convention):
    axe = PlanNodeFactory(convention=convention, number="1", title="<script>alert(1)</script>")
    axe.pilots.add(Organisation.objects.create(name="Caf & <b>CCAS</b>"))
    axe.thematics.add(thematic("petite-enfance"))
    html = tree(editor_client, convention)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Pilotes : Caf &amp; &lt;b&gt;CCAS&lt;/b&gt;" in html
    # The controls' accessible names carry the element's label, escaped too.
    assert 'title="Modifier Axe 1"' in html


def test_reorder_buttons_submit_the_page_s_one_form_and_first_last_are_disabled(
    editor_client, convention
):
    first = PlanNodeFactory(convention=convention, number="1", title="Premier axe")
    last = PlanNodeFactory(convention=convention, number="2", title="Second axe")
    html = tree(editor_client, convention)
    # One CSRF token in the page's reorder form (+ the header's logout form), none per element.
    reorder_form = html.index('<form id="plan-reorder" method="post" hidden>')
    assert 'name="csrfmiddlewaretoken"' in html[reorder_form : html.index("</form>", reorder_form)]
    assert html.count('name="csrfmiddlewaretoken"') == 2
    assert html.count('form="plan-reorder"') == 4
    assert f'formaction="/ctg/{convention.slug}/plan/{first.pk}/monter/"' in html
    up_first = html.index(f"/plan/{first.pk}/monter/")
    assert "disabled" in html[up_first : html.index("Monter Axe 1</button>")]
    down_last = html.index(f"/plan/{last.pk}/descendre/")
    assert "disabled" in html[down_last : html.index("Descendre Axe 2</button>")]
    # Nested lists keep their ids, which the reorder responses replace.
    assert 'id="enfants-racine"' in html


def test_a_reader_gets_no_controls_and_no_internal_element(client, reader, convention):
    PlanNodeFactory(convention=convention, number="1", title="Axe public")
    PlanNodeFactory(convention=convention, number="2", title="Axe interne", is_internal=True)
    client.force_login(reader)
    html = tree(client, convention)
    assert "Axe public" in html
    assert "Axe interne" not in html
    assert "plan-node__actions" not in html
    assert "/monter/" not in html
    assert 'id="plan-reorder"' not in html


def test_an_editor_sees_the_internal_badge_on_internal_elements_only(editor_client, convention):
    PlanNodeFactory(convention=convention, number="1", title="Axe public")
    PlanNodeFactory(convention=convention, number="2", title="Axe interne", is_internal=True)
    html = tree(editor_client, convention)
    assert html.count("pilote-internal") == 1
    assert html.index("Axe interne") < html.index("pilote-internal")


def test_pilots_are_listed_in_name_order_as_before(editor_client, convention):
    node = PlanNodeFactory(convention=convention, number="1", title="Axe")
    for name in ("Mairie de Digne", "CCAS de Digne", "Caf des Alpes"):
        node.pilots.add(Organisation.objects.create(name=name))
    assert "Pilotes : CCAS de Digne, Caf des Alpes, Mairie de Digne" in tree(
        editor_client, convention
    )


def test_the_action_page_takes_as_many_queries_in_a_large_plan(
    editor_client, convention, django_assert_max_num_queries
):
    build_plan(convention, shape=(1, 1, 2))
    small = PlanNode.objects.filter(convention=convention, parent__parent__isnull=False).first()
    url = reverse("plans:node", kwargs={"slug": convention.slug, "pk": small.pk})
    with django_assert_max_num_queries(ACTION_PAGE_QUERIES) as few:
        assert editor_client.get(url).status_code == 200
    build_plan(convention)
    assert PlanNode.objects.filter(convention=convention).count() > 500
    with django_assert_max_num_queries(ACTION_PAGE_QUERIES) as many:
        assert editor_client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_plan_page_is_gzipped_for_browsers_that_accept_it(editor_client, convention):
    PlanNodeFactory(convention=convention, number="1", title="Axe")
    url = reverse("plans:tree", kwargs={"slug": convention.slug})
    plain = editor_client.get(url)
    assert "Content-Encoding" not in plain.headers
    packed = editor_client.get(url, headers={"accept-encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 3
    assert "Monter Axe 1</button>" in gzip.decompress(packed.content).decode()
