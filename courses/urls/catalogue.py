"""URLs of the catalogue pages."""

urlpatterns: list = []
