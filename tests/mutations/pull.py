"""Guards of `satire images pull` (issue 12, item 2), each proven by the tests
named: applied, they make those tests fail."""

PULL = "tests/test_images_pull.py::test_pull_writes_the_image_and_points_the_brief_at_it_keeping_the_rest"
FAILURES = (
    "tests/test_images_pull.py::test_each_failure_is_one_line_naming_its_url_and_the_rest_is_pulled"
)
GUARD = "tests/test_images_pull.py::test_the_guard_refuses_loopback_when_private_addresses_are_not_allowed"
CRASH = "tests/test_images_pull.py::test_a_crash_while_the_image_is_written_leaves_no_half_file_and_the_brief_as_it_was"
SVG = "tests/test_images_pull.py::test_hostile_svgs_are_refused_and_a_clean_one_is_pulled"

MUTATIONS = [
    {
        "name": "images pull: any content type is taken as an image (HTML included)",
        "path": "generator/intake/images_pull.py",
        "old": "known = IMAGE_TYPES.get(content_type)",
        "new": 'known = IMAGE_TYPES.get(content_type, ("PNG", ".png"))',
        "tests": [FAILURES],
    },
    {
        "name": "images pull: the bytes of a raster are not decoded (a PNG in name only is kept)",
        "path": "generator/intake/images_pull.py",
        "old": "        check_raster(body, pil_format, content_type)",
        "new": "        pass",
        "tests": [FAILURES],
    },
    {
        "name": "images pull: the rewritten brief loses the image's credit",
        "path": "generator/intake/images_pull.py",
        "old": 'doc["image"]["src"] = src',
        "new": 'doc["image"] = {"src": src, "alt": doc["image"]["alt"]}',
        "tests": [PULL],
    },
    {
        "name": "images pull: fetched with a client of its own (no private-address guard, no size cap)",
        "path": "generator/intake/images_pull.py",
        "old": "client = fetcher or Fetcher.for_project(project)",
        "new": 'client = fetcher or Fetcher(timeout=20, max_bytes=10**9, per_host_delay=0, allow_private=True, agent="x")',
        "tests": [FAILURES, GUARD],
    },
    {
        "name": "images pull: an SVG's <script> is let through",
        "path": "generator/intake/images_pull.py",
        "old": 'if name.lower() in {"script", "foreignobject", "iframe", "embed", "object"}:',
        "new": 'if name.lower() in {"foreignobject", "iframe", "embed", "object"}:',
        "tests": [SVG],
    },
    {
        "name": "images pull: an SVG's event handlers (onload=...) are let through",
        "path": "generator/intake/images_pull.py",
        "old": 'if local.startswith("on"):',
        "new": "if False:",
        "tests": [SVG],
    },
    {
        "name": "images pull: an SVG's external references (href to a URL, javascript:) are let through",
        "path": "generator/intake/images_pull.py",
        "old": 'if local in {"href", "src"} and not value.strip().startswith("#"):',
        "new": "if False:",
        "tests": [SVG],
    },
    {
        "name": "images pull: the image is written in place, not atomically (a crash leaves half a file)",
        "path": "generator/intake/images_pull.py",
        "old": "        write_atomic(target, body)",
        "new": (
            "        target.parent.mkdir(parents=True, exist_ok=True); target.write_bytes(body[: len(body) // 2]); "
            '__import__("generator.infra.fsutil").infra.fsutil.crash_point("mid-write"); target.write_bytes(body)'
        ),
        "tests": [CRASH],
    },
]
