"""Test images made with Pillow: a photo with EXIF orientation, GPS and an ICC
profile, a PNG with transparency, a tiny GIF, an SVG; and a blog that uses them."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from PIL import ExifTags, Image, ImageCms

from tests.sitekit import make_draft, save

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180" viewBox="0 0 320 180"><rect width="320" height="180" fill="#39c"/></svg>\n'
LONG_TITLE = (
    "« Nous ne faisons pas de l’IA, nous la « démocratisons » » : Amazon nomme Peter DeSantis à la tête d’une organisation géante "
    "dédiée à l’intelligence artificielle générative, et promet “des puces à la française”"
)


def photo_jpeg(
    *, orientation: int = 6, icc: bool = True, size: tuple[int, int] = (1600, 1000)
) -> bytes:
    """1600x1000 as stored, tagged 'rotate 90° clockwise' (shown 1000x1600), with GPS and an sRGB ICC profile."""
    image = Image.new("RGB", size, "#2a6")
    image.paste(
        (200, 40, 40), (0, 0, size[0] // 4, size[1])
    )  # a red band on the stored left: on top once upright
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 7.0)
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes() if icc else None
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif, icc_profile=profile)
    return out.getvalue()


def transparent_png() -> bytes:
    image = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    image.paste((30, 90, 200, 255), (100, 100, 700, 500))
    out = io.BytesIO()
    image.save(
        out, "PNG", icc_profile=b"a broken colour profile"
    )  # not convertible: it must still go
    return out.getvalue()


def tiny_gif() -> bytes:
    image = Image.new("P", (40, 30), 1)
    image.putpalette([0, 0, 0, 255, 200, 0] + [0] * 762)
    out = io.BytesIO()
    image.save(out, "GIF")
    return out.getvalue()


BODY = """Un paragraphe d'abord.

![Un schéma](/images/diagram.png)

![Une carte](/images/gps.jpg "prise sur le vif")

Puis un tout petit dessin : ![minuscule](images/tiny.gif) et un logo ![logo](/images/logo.svg).

La fin.
"""


def image_blog(project: Path, remote: str = "https://cdn.example.com/remote.jpg") -> None:
    """Images in static/, and four posts: a photo hero with body images, a remote hero, no image, a long French title."""
    images = project / "static" / "images"
    images.mkdir(parents=True, exist_ok=True)
    (images / "photo.jpg").write_bytes(photo_jpeg())
    (images / "diagram.png").write_bytes(transparent_png())
    (images / "gps.jpg").write_bytes(
        photo_jpeg(orientation=1, icc=False, size=(600, 400))
    )  # GPS, upright, no profile
    (images / "tiny.gif").write_bytes(tiny_gif())
    (images / "logo.svg").write_text(SVG)
    photo = {
        "src": "images/photo.jpg",
        "alt": "Une photo",
        "credit": "Jeanne Photo / Unsplash",
        "credit_url": "https://unsplash.com/",
    }
    save(
        project,
        make_draft("photo", date=dt.date(2025, 12, 4), image=photo, body=BODY),
        make_draft(
            "distante",
            date=dt.date(2025, 12, 3),
            image={"src": remote, "alt": "Ailleurs", "credit": "Agence Lointaine"},
        ),
        make_draft("sans-image", date=dt.date(2025, 12, 2), image=None),
        make_draft("titre-long", date=dt.date(2025, 12, 1), title=LONG_TITLE, image=photo),
    )


SRCSET_ENTRY = re.compile(r"(\S+) (\d+)w")


def srcset(value: str) -> list[tuple[str, int]]:
    return [(url, int(width)) for url, width in SRCSET_ENTRY.findall(value)]
