"""What every view of the API shares: open to the URL layer, validators on reads, safe ids."""

from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from .conditional import conditional
from .filters import ID_MAX


class ApiViewMixin:
    """Answer reads with ETag/Last-Modified (304 when current) and 404 for impossible ids.

    The views authenticate by themselves (token or session, 401 in JSON): Django's
    LoginRequiredMiddleware must not send them to the login page.
    """

    # Attributes whose latest value tells when the detail's answer last changed (empty: no
    # Last-Modified, the ETag alone). Lists give none: a deleted row leaves no date behind.
    modified_fields: tuple[str, ...] = ()
    # Any path segment reaches the view, which answers an impossible id or slug with its JSON
    # 404 (the router's default pattern left "1.5" to Django's HTML 404 page).
    lookup_value_regex = "[^/]+"

    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.login_required = False
        return view

    def get_object(self):
        value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if self.lookup_field == "pk" and (not str(value).isdecimal() or int(value) > ID_MAX):
            raise NotFound()
        obj = super().get_object()
        self._note_modified([obj])
        return obj

    def decorate(self, objects: list) -> None:
        """Give a page of rows (or one row) what the serializer reads besides its columns."""

    def get_serializer(self, *args, **kwargs):
        if args and args[0] is not None and not kwargs.get("data"):
            rows = args[0] if isinstance(args[0], list) else [args[0]]
            if rows and hasattr(rows[0], "pk"):
                self.decorate(rows)
        return super().get_serializer(*args, **kwargs)

    def _note_modified(self, objects) -> None:
        stamps = [getattr(obj, name, None) for obj in objects for name in self.modified_fields]
        self.last_modified = max((s for s in stamps if s is not None), default=None)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return conditional(request, response, getattr(self, "last_modified", None))


class ReadViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """A list and a detail, limited to the user's CTGs by get_queryset."""
