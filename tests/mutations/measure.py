"""Guard mutations of issue 14 (stats, eval, the judge, the eval report): each
must make its tests fail (see notes/PLAN.md for the format)."""

EVAL = "tests/test_eval.py::test_eval_tells_the_models_apart_and_the_judge_ranks_them"
BUDGET = "tests/test_eval.py::test_eval_refuses_drafts_and_stops_at_the_budget"
STATS = "tests/test_stats.py::test_every_figure_of_the_period_by_hand"

MUTATIONS = [
    {
        "name": "eval: the scratch store writes into the project's drafts/",
        "path": "generator/measure/evaluate.py",
        "old": 'self.folder = folder / "drafts"',
        "new": "self.folder = project.drafts_dir",
        "tests": [EVAL],
    },
    {
        "name": "eval: --out inside drafts/ is accepted",
        "path": "generator/measure/evaluate.py",
        "old": "if folder == drafts or drafts in folder.parents:",
        "new": "if False:",
        "tests": [BUDGET],
    },
    {
        "name": "eval: each draft written is logged in the audit log",
        "path": "generator/measure/evaluate.py",
        "old": "                entry.draft = store.load(entry.slug)\n",
        "new": (
            "                entry.draft = store.load(entry.slug)\n"
            "                from generator.review import audit as _rv\n"
            "                with _rv._db(project) as _conn:\n"
            "                    _rv._append(_conn, _rv._entry(project, 'generate', entry.slug, 'eval', 1, None, {}))\n"
        ),
        "tests": [EVAL],
    },
    {
        "name": "eval: the judge is asked each pair in one order only",
        "path": "generator/measure/judge.py",
        "old": "orders = ((a, b), (b, a))",
        "new": "orders = ((a, b), (a, b))",
        "tests": [EVAL],
    },
    {
        "name": "eval report: images in model output are kept (the page loads from outside)",
        "path": "generator/measure/report.py",
        "old": 'html = _IMG.sub("", body_html(entry.draft.body, entry.language))',
        "new": "html = body_html(entry.draft.body, entry.language)",
        "tests": [EVAL],
    },
    {
        "name": "eval report: no Content-Security-Policy (nothing stops a load from outside)",
        "path": "templates/measure/eval.html",
        "old": '<meta http-equiv="Content-Security-Policy" content="{{ csp }}">',
        "new": "",
        "tests": [EVAL],
    },
    {
        "name": "eval report: model output is not sanitized",
        "path": "generator/measure/report.py",
        "old": "    from generator.site.markup import body_html\n",
        "new": "    from generator.site.markup import to_html\n\n    def body_html(text: str, language: str) -> str:\n        return to_html(text)\n",
        "tests": [EVAL],
    },
    {
        "name": "eval: --max-cost is not passed to the writers",
        "path": "generator/measure/evaluate.py",
        "old": "remaining = None if max_cost is None else max(0.0, max_cost - spent)",
        "new": "remaining = None",
        "tests": [BUDGET],
    },
    {
        "name": "eval: the judge ignores --max-cost",
        "path": "generator/measure/evaluate.py",
        "old": "return max_cost is None or _spent(project, run_id) + bound <= max_cost",
        "new": "return True",
        "tests": [BUDGET],
    },
    {
        "name": "stats: eval runs are counted as the blog's writing",
        "path": "generator/measure/stats.py",
        "old": 'MEASURING_RUNS = "eval-%"',
        "new": 'MEASURING_RUNS = "no-such-run-%"',
        "tests": [STATS, EVAL],
    },
]
