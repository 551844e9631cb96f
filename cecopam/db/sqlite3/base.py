"""Django's SQLite backend, told how many parameters this SQLite accepts in one statement.

Django 5.2 assumes SQLite's old compile-time default of 999, so a bulk write of a few hundred
rows (a gradebook) is split into several statements, and the number of queries grows with the
rows. SQLite since 3.32 allows 32,766 by default and reports its own limit; Django 6.0 reads
it the same way.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int:
        self.connection.ensure_connection()
        return self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
