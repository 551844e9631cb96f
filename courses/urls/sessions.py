"""URLs of the sessions pages."""

urlpatterns: list = []
