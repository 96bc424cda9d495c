"""A network's brand on its reports: name, logo, colours and fonts, from a brand.yml file.

The file follows the brand.yml convention that Quarto and Shiny read (parsed by the `brand-yml`
package): a `_brand.yml` in the data folder, or the file given with `tlanalysis build --brand FILE`.
What the reports take from it:

* `meta.name` (`full`, else `short`, or a plain string): the network's name, on every page, the index,
  the PDF (it prints the page), the workbook and the deck;
* `logo` (`small`, else `medium`, `large` or the first of `images`): a local PNG, JPEG, GIF or SVG file,
  embedded in the pages (they stay one offline file each; no path of the machine is written);
* `color.primary` (headings, key figures, links), then `color.secondary` and the other colours of
  `color.palette`: the charts' colours, in that order, in place of the house palette;
* `typography.base` and `typography.headings` families: the pages' fonts (the reader's own fonts: a
  report is read offline, nothing is downloaded; the house stack is the fallback).

Colours are checked for contrast on the page's white (WCAG 2.1): 4.5:1 for the primary colour, which
writes text, 3:1 for the charts' colours (graphics, 1.4.11). A colour below its ratio is darkened until
it passes, and the build says so (`Brand.warnings`): « color.palette.jaune #fcc419 : contraste 1,6:1 … ».
A colour that cannot be read, a missing logo or an invalid file is a `BrandError` naming the file and
the field. Without a brand file the reports keep the house look (`HOUSE`).
"""

from __future__ import annotations

import base64
import colorsys
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError

#: The name of the brand file in a data folder (the brand.yml convention).
BRAND_FILE = "_brand.yml"

#: The house colours (`charts.style.PALETTE`): what a brand's palette replaces, colour for colour.
HOUSE_PALETTE = ("#00798c", "#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#d55e00", "#0072b2", "#7a7a7a")
#: The maps' sequential scale (`charts.maps.SEQUENTIAL_SCALE`): light, middle, dark.
HOUSE_MAP_SCALE = ("#c2e4ea", "#3a9cae", "#004f5c")
HOUSE_FONT = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'
#: The page's background, on which contrast is measured.
BACKGROUND = "#ffffff"
TEXT_RATIO = 4.5
GRAPHICS_RATIO = 3.0

_LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}
_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


class BrandError(UsageError):
    """The brand file cannot be used (unreadable, a colour that is not one, a missing logo)."""


# --- colours ---------------------------------------------------------------------------------------


def parse_colour(value: object, where: str) -> str:
    """« #1C5D99 », « 1c5d99 », « #abc » → « #1c5d99 »; anything else is a BrandError naming `where`."""
    match = _HEX.match(str(value).strip())
    if not match:
        raise BrandError(f"{where}: {value!r} is not a colour; write it as #rrggbb (e.g. #1c5d99)")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str = BACKGROUND) -> float:
    """WCAG 2.1 contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def darkened(colour: str, ratio: float, background: str = BACKGROUND) -> str:
    """The colour with its lightness lowered (hue and saturation kept) until it reaches `ratio` on the
    background: the nearest shade of the brand's colour that can be read."""
    h, lightness, s = colorsys.rgb_to_hls(*_rgb(colour))
    while contrast(colour, background) < ratio and lightness > 0:
        lightness = max(0.0, lightness - 0.01)
        colour = "#" + "".join(f"{round(c * 255):02x}" for c in colorsys.hls_to_rgb(h, lightness, s))
    return colour


def mixed(colour: str, other: str, weight: float) -> str:
    """`colour` with `weight` of `other` mixed in (0: the colour, 1: the other)."""
    return "#" + "".join(
        f"{round(255 * ((1 - weight) * a + weight * b)):02x}" for a, b in zip(_rgb(colour), _rgb(other), strict=True)
    )


def _fmt_ratio(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + ":1"


# --- the brand -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Brand:
    """What the reports take from a brand file (see the module doc); `HOUSE` is the house look."""

    name: str | None = None
    #: The logo's bytes and media type (embedded in the pages: each stays one offline file).
    logo: bytes | None = field(default=None, repr=False)
    logo_type: str | None = None
    primary: str = HOUSE_PALETTE[0]
    palette: tuple[str, ...] = HOUSE_PALETTE
    font: str = HOUSE_FONT
    heading_font: str = HOUSE_FONT
    #: Colours adjusted for contrast, said once by the build.
    warnings: tuple[str, ...] = ()
    #: The brand file, None for the house look.
    source: Path | None = None
    fingerprint: str = field(default="house", compare=False)
    #: The logo's file (not handed to the reports): with `source`, what `fingerprint_of` hashes.
    logo_source: Path | None = field(default=None, compare=False)

    @property
    def is_house(self) -> bool:
        return self.fingerprint == "house"

    @property
    def logo_uri(self) -> str | None:
        """The logo as a data: URI, for the pages."""
        if self.logo is None:
            return None
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode('ascii')}"

    def to_json(self) -> bytes:
        """The brand as the build hands it to its report processes (through the private state folder:
        no path of the machine in a published notebook)."""
        document = {
            "name": self.name,
            "logo": base64.b64encode(self.logo).decode("ascii") if self.logo is not None else None,
            "logo_type": self.logo_type,
            "primary": self.primary,
            "palette": list(self.palette),
            "font": self.font,
            "heading_font": self.heading_font,
            "fingerprint": self.fingerprint,
        }
        return json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Brand:
        document = json.loads(data.decode("utf-8"))
        logo = document.get("logo")
        return cls(
            name=document.get("name"),
            logo=base64.b64decode(logo) if logo else None,
            logo_type=document.get("logo_type"),
            primary=parse_colour(document["primary"], "brand"),
            palette=tuple(parse_colour(c, "brand") for c in document["palette"]),
            font=str(document["font"]),
            heading_font=str(document["heading_font"]),
            fingerprint=str(document["fingerprint"]),
        )

    def chart_colours(self) -> dict[str, str]:
        """House colour → brand colour (lower case #rrggbb), for the charts (`recoloured`): the palette,
        and the maps' sequential scale as tints and a shade of the primary colour."""
        if self.is_house:
            return {}
        colours = {house: mine for house, mine in zip(HOUSE_PALETTE, self.palette, strict=False) if house != mine}
        light, middle, dark = HOUSE_MAP_SCALE
        colours.update({light: mixed(self.primary, "#ffffff", 0.75), middle: mixed(self.primary, "#ffffff", 0.2)})
        colours[dark] = mixed(self.primary, "#000000", 0.35)
        return colours


HOUSE = Brand()


def _font_stack(family: object) -> str | None:
    if not family:
        return None
    name = str(family).replace('"', "").strip()
    return f'"{name}",{HOUSE_FONT}' if name else None


def _logo(brand, folder: Path, where: str) -> Path | None:
    logo = brand.logo
    if logo is None:
        return None
    resource = None
    if isinstance(logo, str):
        resource = logo
    else:
        for size in ("small", "medium", "large"):
            if getattr(logo, size, None) is not None:
                resource = getattr(logo, size)
                break
        if resource is None and getattr(logo, "images", None):
            resource = next(iter(logo.images.values()))
    if resource is None:
        return None
    location = getattr(resource, "path", resource)
    light = getattr(resource, "light", None)  # a light/dark pair: the light one (the page is white)
    if light is not None:
        location = getattr(light, "path", light)
    text = str(getattr(location, "root", location))
    if re.match(r"^[a-z]+://", text):
        raise BrandError(f"{where}: logo {text}: give a local file (a report is read offline)")
    path = Path(text) if Path(text).is_absolute() else folder / text
    if not path.is_file():
        raise BrandError(f"{where}: logo {text}: no such file next to the brand file")
    if path.suffix.lower() not in _LOGO_TYPES:
        raise BrandError(f"{where}: logo {path.name}: a PNG, JPEG, GIF or SVG image is expected")
    return path


def load_brand(path: Path) -> Brand:
    """The brand of a brand.yml file, its colours checked for contrast (adjusted with a warning)."""
    from brand_yml import Brand as BrandYml

    path = Path(path)
    where = path.name
    if not path.is_file():
        raise BrandError(f"--brand {path}: no such file")
    try:
        parsed = BrandYml.from_yaml(path)
    except Exception as exc:  # pydantic / YAML errors: say them in one line, no traceback
        first = str(exc).strip().splitlines()
        raise BrandError(f"{where}: not a valid brand.yml file ({' '.join(first[:3])})") from None
    name = None
    if parsed.meta is not None and parsed.meta.name is not None:
        meta_name = parsed.meta.name
        name = meta_name if isinstance(meta_name, str) else (meta_name.full or meta_name.short)
    warnings: list[str] = []
    labels: dict[str, str] = {}  # colour -> the field that gave it, for the warnings
    primary = HOUSE_PALETTE[0]
    palette: list[str] = []
    colour = parsed.color
    if colour is not None:
        named = {k: parse_colour(v, f"{where}: color.palette.{k}") for k, v in (colour.palette or {}).items()}

        def resolve(value: object, field_name: str) -> str | None:
            if value is None:
                return None
            text = str(value)
            return named.get(text) or parse_colour(text, f"{where}: color.{field_name}")

        primary_value = resolve(colour.primary, "primary")
        secondary = resolve(colour.secondary, "secondary")
        if primary_value is not None:
            primary = primary_value
        palette = [c for c in (primary_value, secondary, *named.values()) if c is not None]
        palette = list(dict.fromkeys(palette))
        labels.update({c: f"color.palette.{k}" for k, c in reversed(list(named.items()))})
        if secondary is not None:
            labels[secondary] = "color.secondary"

    def checked(value: str, ratio: float, field_name: str, use: str) -> str:
        found = contrast(value)
        if found >= ratio:
            return value
        shade = darkened(value, ratio)
        warnings.append(
            f"{where}: {field_name} {value} : contraste {_fmt_ratio(found)} sur blanc, il faut {_fmt_ratio(ratio)} "
            f"pour {use} ; teinte utilisée : {shade}"
        )
        return shade

    primary = checked(primary, TEXT_RATIO, "color.primary", "du texte")
    palette = [checked(c, GRAPHICS_RATIO, labels.get(c, "color.palette"), "un graphique") for c in palette[1:]]
    palette.insert(0, primary)
    # fewer colours than the charts use: the house colours fill in, darkened to 3:1 like the brand's
    filler = [darkened(c, GRAPHICS_RATIO) for c in HOUSE_PALETTE]
    full_palette = tuple(dict.fromkeys([*palette, *filler]))[: len(HOUSE_PALETTE)]
    typography = parsed.typography
    base_family = getattr(typography.base, "family", None) if typography is not None and typography.base else None
    heading_family = (
        getattr(typography.headings, "family", None) if typography is not None and typography.headings else None
    )
    font = _font_stack(base_family) or HOUSE_FONT
    logo_path = _logo(parsed, path.parent, where)
    logo = logo_path.read_bytes() if logo_path is not None else None
    return Brand(
        name=str(name) if name else None,
        logo=logo,
        logo_type=_LOGO_TYPES[logo_path.suffix.lower()] if logo_path is not None else None,
        primary=primary,
        palette=full_palette,
        font=font,
        heading_font=_font_stack(heading_family) or font,
        warnings=tuple(warnings),
        source=path,
        fingerprint=fingerprint_of(path.read_bytes(), logo),
        logo_source=logo_path,
    )


def fingerprint_of(brand_bytes: bytes, logo: bytes | None) -> str:
    """The fingerprint of a brand: its file's bytes and its logo's. A no-op build (`publish.unchanged`) checks
    the brand it was built with by these, without parsing the file."""
    digest = hashlib.sha256(brand_bytes)
    if logo is not None:
        digest.update(logo)
    return digest.hexdigest()


#: Where the build keeps the brand it hands to its reports, in its private state folder.
BRANDS = "brands"


def brand_key(brand: Brand) -> str:
    """The name of a brand in the state folder (a hash of its content): the notebooks' `brand_key`."""
    from ..state import key_digest

    return key_digest({"brand": brand.fingerprint})


def store_brand(brand: Brand, root: Path) -> str:
    """Keep the build's brand in its private state folder (sealed) for its report processes; its key."""
    from ..state import write_sealed

    key = brand_key(brand)
    write_sealed(
        Path(root) / BRANDS / key, "brand", {"brand": brand.fingerprint}, {"brand.json": brand.to_json()}, root
    )
    return key


def stored_brand(key: str, root: Path) -> Brand:
    """The brand a build kept under `key` (checked: `state.read_sealed`); StateRejected otherwise."""
    from ..state import read_sealed

    files, _ = read_sealed(Path(root) / BRANDS / key, "brand", None, root)
    return Brand.from_json(files["brand.json"])


def brand_file(data_dir: Path | None, explicit: Path | str | None = None) -> Path | None:
    """The brand file of a build or a report: the one given, else the data folder's `_brand.yml`."""
    if explicit:
        return Path(explicit)
    if data_dir is not None and (Path(data_dir) / BRAND_FILE).is_file():
        return Path(data_dir) / BRAND_FILE
    return None


def find_brand(data_dir: Path | None, explicit: Path | str | None = None) -> Brand:
    """The brand of a build or a report (`brand_file`), or the house look."""
    path = brand_file(data_dir, explicit)
    return load_brand(path) if path is not None else HOUSE


__all__ = [
    "BRAND_FILE",
    "HOUSE",
    "HOUSE_PALETTE",
    "Brand",
    "BrandError",
    "brand_file",
    "brand_key",
    "contrast",
    "darkened",
    "find_brand",
    "fingerprint_of",
    "load_brand",
    "luminance",
    "parse_colour",
    "store_brand",
    "stored_brand",
]
