"""French wording shared by every output (pages, workbooks, charts): one place, never typed twice.

Territory phrases: a region is introduced in a sentence with the preposition French uses for it
(« en Bretagne », « à La Réunion », « dans les Hauts-de-France », « dans le Grand Est »).
"""

from __future__ import annotations

from ..reference import Region

#: The preposition of each region whose name does not take « en » (INSEE codes, 2016 regions).
_PREPOSITION = {"04": "à", "06": "à", "32": "dans les", "44": "dans le"}


def in_territory(region: Region) -> str:
    """The territory in a sentence: « en France », « en Nouvelle-Aquitaine », « à La Réunion »."""
    if region.is_national:
        return "en France"
    return f"{_PREPOSITION.get(region.code, 'en')} {region.name}"


def territory_name(region: Region) -> str:
    """The territory as a label: « France entière » or the region's name."""
    return "France entière" if region.is_national else region.name


__all__ = ["in_territory", "territory_name"]
