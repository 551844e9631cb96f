"""URLs of the grids pages."""

urlpatterns: list = []
