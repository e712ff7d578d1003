"""The engine's records (activations, layers, networks) copied with some fields changed, as
dataclasses.replace copies a dataclass: without the dataclasses module, whose import and generated
methods every start-up would pay for."""
from __future__ import annotations


class Record:
    __slots__ = ()
    FIELDS: tuple[str, ...] = ()  # the arguments of __init__, in order

    def replace(self, **changes):
        """A new record with `changes`, built through __init__ (so whatever it derives is derived again)."""
        unknown = sorted(set(changes) - set(self.FIELDS))
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {unknown[0]!r}")
        return type(self)(**{**{name: getattr(self, name) for name in self.FIELDS}, **changes})
