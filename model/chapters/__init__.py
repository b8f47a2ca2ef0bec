"""The book's chapters' scenario builders: functions that write scenarios in the public format
(plain ``dict``\\ s a reader can print, change and save as YAML) from the data package.

They import only :mod:`model.data` (and :mod:`model.deflator`), never the solver: a chapter
solves what they build with :func:`model.solve`. ``from model import kyoto`` works as a shortcut
for ``from model.chapters import kyoto``.
"""

from . import at_home, corsia, eu_ets, fragmentation, kyoto, national, ontario, paris

__all__ = ["at_home", "corsia", "eu_ets", "fragmentation", "kyoto", "national", "ontario", "paris"]
