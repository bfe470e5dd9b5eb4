"""Guards of the images and cards (issue 12), each with the tests that fail when it goes."""

MUTATIONS = [
    {
        "name": "cards: the satire band's check is skipped",
        "path": "generator/site/cards.py",
        "old": "    problems = tuple(band_problems(card, look))\n",
        "new": "    problems: tuple[str, ...] = ()\n",
        "tests": [
            "tests/test_site_images.py::test_a_card_without_its_band_fails_the_build",
            "tests/test_site_images.py::test_card_guard_is_the_build_s",
        ],
    },
    {
        "name": "cards: the band's contrast is not checked",
        "path": "generator/site/cards.py",
        "old": "    if ratio < MIN_CONTRAST:\n",
        "new": "    if False:\n",
        "tests": ["tests/test_site_images.py::test_a_card_without_its_band_fails_the_build"],
    },
    {
        "name": "cards: the band's label is not drawn",
        "path": "generator/site/cards.py",
        "old": "    box = _draw(pen, (MARGIN, ty), label, band_font, look.band_foreground)\n",
        "new": '    box = _draw(pen, (MARGIN, ty), "", band_font, look.band_foreground)\n',
        "tests": [
            "tests/test_site_images.py::test_every_post_gets_a_card",
            "tests/test_site_images.py::test_long_french_title_card_stays_in_its_frame",
        ],
    },
    {
        "name": "images: the original's address serves the source as is (GPS and all)",
        "path": "generator/site/images.py",
        "old": "        write_atomic(full, stripped, sync=False)\n",
        "new": "        write_atomic(full, data, sync=False)\n",
        "tests": ["tests/test_site_images.py::test_body_images_png_gif_svg"],
    },
    {
        "name": "images: JPEG files keep the source's EXIF (GPS)",
        "path": "generator/site/images.py",
        "old": '        image.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)\n',
        "new": '        image.convert("RGB").save(out, "JPEG", quality=quality, optimize=True, exif=image.info.get("exif", b""))\n',
        "tests": ["tests/test_site_images.py::test_body_images_png_gif_svg"],
    },
    {
        "name": "images: PNG files keep the source's ICC profile (Pillow writes im.info's by default)",
        "path": "generator/site/images.py",
        "old": '    image.info.pop("icc_profile", None)\n',
        "new": "",
        "tests": ["tests/test_site_images.py::test_body_images_png_gif_svg"],
    },
    {
        "name": "images: EXIF orientation ignored",
        "path": "generator/site/images.py",
        "old": "    image = _srgb(opened if upright else ImageOps.exif_transpose(opened))\n",
        "new": "    image = _srgb(opened)\n",
        "tests": ["tests/test_site_images.py::test_photo_hero_is_responsive_upright_and_stripped"],
    },
    {
        "name": "images: the hero is lazy like the others",
        "path": "generator/site/images.py",
        "old": '    attrs += \' fetchpriority="high"\' if hero else \' loading="lazy" decoding="async"\'\n',
        "new": '    attrs += \' loading="lazy" decoding="async"\'\n',
        "tests": [
            "tests/test_site_images.py::test_photo_hero_is_responsive_upright_and_stripped",
            "tests/test_site_images_browser.py::test_post_page_has_no_layout_shift_and_an_eager_hero",
        ],
    },
    {
        "name": "images: body images load eagerly like the hero",
        "path": "generator/site/images.py",
        "old": '    attrs += \' fetchpriority="high"\' if hero else \' loading="lazy" decoding="async"\'\n',
        "new": "    attrs += ' fetchpriority=\"high\"'\n",
        "tests": [
            "tests/test_site_images.py::test_body_images_png_gif_svg",
            "tests/test_site_images_browser.py::test_post_page_has_no_layout_shift_and_an_eager_hero",
        ],
    },
    {
        "name": "images: no width/height (layout shift)",
        "path": "generator/site/images.py",
        "old": '        attrs += f\' width="{picture.width}" height="{picture.height}"\'\n',
        "new": "        pass\n",
        "tests": [
            "tests/test_site_images.py::test_photo_hero_is_responsive_upright_and_stripped",
            "tests/test_site_images_browser.py::test_post_page_has_no_layout_shift_and_an_eager_hero",
        ],
    },
    {
        "name": "media: the source cache is never used (a no-op rebuild opens every image)",
        "path": "generator/site/media.py",
        "old": "        picture = _known(record)\n",
        "new": "        picture = None\n",
        "tests": [
            "tests/test_site_images.py::test_noop_rebuild_opens_no_image_and_unused_files_go"
        ],
    },
    {
        "name": "media prune: images reused from the cache are not recorded as used (pruning removes files the current build still uses)",
        "path": "generator/site/media.py",
        "old": '            media.used |= {f"sources/{record.name}", f"images/{picture.key[:32]}"}\n',
        "new": "            pass\n",
        "tests": [
            "tests/test_site_images.py::test_an_old_card_and_a_replaced_image_s_files_leave_the_cache_and_the_site",
            "tests/test_site_images.py::test_noop_rebuild_opens_no_image_and_unused_files_go",
        ],
    },
    {
        "name": "media prune: another output folder's record is ignored (a build elsewhere removes what site/ uses)",
        "path": "generator/site/prune.py",
        "old": "            keep |= other[1]\n",
        "new": "            pass\n",
        "tests": [
            "tests/test_site_images.py::test_a_build_into_another_folder_keeps_what_site_uses"
        ],
    },
    {
        "name": "media prune: a build with drafts left out for errors prunes anyway (their files go)",
        "path": "generator/site/build.py",
        "old": '        report.pruned = prune(\n            project.state_dir / "media", out, report.media_used, clean=not report.errors\n        )\n',
        "new": '        report.pruned = prune(project.state_dir / "media", out, report.media_used, clean=True)\n',
        "tests": [
            "tests/test_site_images.py::test_a_failed_build_or_a_bad_draft_removes_nothing_from_the_cache"
        ],
    },
    {
        "name": "media prune: a build does not take the build lock (it prunes what a running build just drew)",
        "path": "generator/site/build.py",
        "old": '    with project_lock(project.state_dir, "build"), collector_paused():\n',
        "new": "    with collector_paused():\n",
        "tests": [
            "tests/test_site_images.py::test_a_build_waits_for_another_build_before_it_prunes"
        ],
    },
]
