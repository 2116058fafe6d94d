from django.urls import reverse


def test_pages_render(client, convention, caf_adviser):
    client.force_login(caf_adviser)
    for name, kwargs in [
        ("conventions:list", {}),
        ("conventions:create", {}),
        ("conventions:detail", {"slug": convention.slug}),
        ("conventions:edit", {"slug": convention.slug}),
        ("conventions:territory", {"slug": convention.slug}),
        ("conventions:signatories", {"slug": convention.slug}),
        ("conventions:amendments", {"slug": convention.slug}),
        ("conventions:levels", {"slug": convention.slug}),
    ]:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name
