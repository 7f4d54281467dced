"""Top-level URLs: the REST API under /api/v1/, its schema and docs, admin, and the browser pages."""

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from annotations.api.errors import api_path_not_found

# The split Swagger UI view serves its script from our origin, so script-src 'self' holds. Its
# template has one small inline <style> (page margin and background): allow exactly that block by
# its hash rather than 'unsafe-inline'. tests/test_project.py fails if the template ever changes.
SWAGGER_UI_INLINE_STYLE = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"
swagger_ui = csp_update({"style-src": [SWAGGER_UI_INLINE_STYLE]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("annotations.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", swagger_ui, name="api-docs"),
    # Only paths ending in a slash, so CommonMiddleware still adds a missing slash to a real route.
    re_path(r"^api/(?:.*/)?$", api_path_not_found),
    path("", include("annotations.web.urls")),
]

handler500 = "factcheck.availability.server_error"
# A URL under /api/ that matches no route gets a JSON 404, like every other API answer.
handler404 = "annotations.api.errors.not_found"
# A request Django refuses before a view (SuspiciousOperation) gets a JSON 400 under /api/ too.
handler400 = "annotations.api.errors.bad_request"
