"""Guards of cards at the cost of drawing them (issue 21): the title laid from
kept pieces as FreeType lays it out, a flat card's text in its palette, the PNG
written by hand, the band checked once because nothing a card adds reaches it."""

LOOK = "tests/test_site_images.py::test_cards_look_as_they_did_before_they_got_cheaper"
LAID = (
    "tests/test_site_media_speed.py::test_a_title_laid_from_kept_pieces_is_the_line_freetype_draws"
)

MUTATIONS = [
    {
        "name": "cards: no ligature found (fi laid as f then i)",
        "path": "generator/site/cards.py",
        "old": "                joined = any(ImageChops.difference(whole, parts).histogram()[3:])\n",
        "new": "                joined = False\n",
        "tests": [LAID, LOOK],
    },
    {
        "name": "cards: the pairs' kerning left out of the pen positions",
        "path": "generator/site/cards.py",
        "old": "            shift = self._kerning[pair] = whole - self.advance(first) - self.advance(second)\n",
        "new": "            shift = self._kerning[pair] = 0 * whole\n",
        "tests": [LAID, LOOK],
    },
    {
        "name": "cards: pen positions cut to the pixel instead of rounded as Pillow does",
        "path": "generator/site/cards.py",
        "old": "        target.paste(ink, (at[0] + ((pen + 32) >> 6) + left, at[1] + top), mask)\n",
        "new": "        target.paste(ink, (at[0] + (pen >> 6) + left, at[1] + top), mask)\n",
        "tests": [LAID, LOOK],
    },
    {
        "name": "cards: a flat card's text levels mapped to palette entries in order, not by colour",
        "path": "generator/site/cards.py",
        "old": "    return list(row.quantize(palette=_palette(look), dither=Image.Dither.NONE).tobytes())\n",
        "new": "    return list(range(256))\n",
        "tests": [LOOK],
    },
    {
        "name": "cards: PNG rows written without their filter byte",
        "path": "generator/site/cards.py",
        "old": "    rows.paste(image, (1, 0))\n",
        "new": "    rows = image\n",
        "tests": [LOOK],
    },
    {
        "name": "cards: PNG chunks checksummed without their type",
        "path": "generator/site/cards.py",
        "old": "zlib.crc32(kind + data)",
        "new": "zlib.crc32(data)",
        "tests": [LOOK],
    },
    {
        "name": "cards: the title may run into the band (which is checked once, on what cards share)",
        "path": "generator/site/cards.py",
        "old": "    top, bottom = MARGIN + 70, band_top - 40\n",
        "new": "    top, bottom = MARGIN + 70, band_top + 40\n",
        "tests": ["tests/test_site_images.py::test_long_french_title_card_stays_in_its_frame"],
    },
    {
        "name": "cards: a line with right-to-left text laid piece by piece (its words come out in the wrong order)",
        "path": "generator/site/cards.py",
        "old": "    if RIGHT_TO_LEFT.search(line):\n",
        "new": "    if False:\n",
        "tests": [LAID],
    },
]
