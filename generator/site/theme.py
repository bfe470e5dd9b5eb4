"""The theme: Jinja templates looked up in the project's `templates/` first,
then the built-in theme (also reachable as `builtin/NAME`, so an override can
extend the template it replaces). One environment per chrome language.

Templates are autoescaped and strict about undefined names. Nothing from a
brief or a draft is ever compiled as a template: it only arrives as values.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from generator.config import Project
from generator.errors import SatireError
from generator.infra.resources import builtin_dir, search_path
from generator.site import i18n, images
from generator.site.markup import safe_url
from generator.site.typography import for_language

if TYPE_CHECKING:  # jinja2 is imported when a page is rendered, not by a no-op build
    import jinja2

ASSETS = "theme"  # the theme's own static files: templates/theme/ -> site/theme/
BYTECODE = "env-1"  # bump when the environment's options or extensions change


class Theme:
    """Template lookup, one Jinja environment per language, and a fingerprint."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.dirs = search_path(project.root, "templates")
        self.builtin = builtin_dir("templates")
        self._envs: dict[str, jinja2.Environment] = {}
        self._cards: dict[tuple[int, str], Markup] = {}
        self.fingerprint = self._fingerprint()

    def _fingerprint(self) -> str:
        """Changes when any template, catalogue or theme asset changes."""
        digest = hashlib.sha256()
        for folder in self.dirs:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()

    def env(self, language: str) -> jinja2.Environment:
        key = i18n.base_language(language)
        if key not in self._envs:
            self._envs[key] = self._make_env(language)
        return self._envs[key]

    def _make_env(self, language: str) -> jinja2.Environment:
        import jinja2

        loader = jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader([str(d) for d in self.dirs]),
                jinja2.PrefixLoader({"builtin": jinja2.FileSystemLoader(str(self.builtin))}),
            ]
        )
        env = jinja2.Environment(
            loader=loader,
            bytecode_cache=jinja2.FileSystemBytecodeCache(
                str(self._bytecode_dir(jinja2.__version__))
            ),
            autoescape=jinja2.select_autoescape(
                ["html", "xml"], default_for_string=True, default=True
            ),
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
        )
        translations = i18n.translations(
            self.dirs, language, self.project.state_dir / "templates" / "catalogues"
        )
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]

        # Plain functions in place of the extension's context-aware wrappers:
        # same results (autoescape still escapes them), a third of the cost.
        def gettext(message: str, **variables: Any) -> str:
            text: str = translations.gettext(message)
            return text % variables if variables else text

        def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
            text: str = translations.ngettext(singular, plural, num)
            return text % {"num": num, **variables}

        env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
        env.filters["long_date"] = i18n.long_date
        env.filters["typo"] = for_language
        env.filters["og_locale"] = i18n.og_locale
        env.filters["safe_url"] = safe_url

        def card(context: Any, post: Any) -> Markup:
            return self._card(context, post)

        env.globals["card"] = jinja2.pass_context(card)
        env.globals["picture"] = jinja2.pass_context(picture)
        return env

    def _card(self, context: Any, post: Any) -> Markup:
        """`card(post)`: `partials/post_card.html` for `post`, rendered once per post
        and language (list pages show the same card many times). A card that reads
        the post's body, whole draft or neighbours is rendered on each page: each
        must count the read (`Post.unlisted_reads`)."""
        key = (id(post), context["lang"])
        card = self._cards.get(key)
        if card is None:
            template = context.environment.get_template("partials/post_card.html")
            reads = post.unlisted_reads
            card = Markup(template.render({**context.get_all(), "post": post}))
            if post.unlisted_reads == reads:
                self._cards[key] = card
        return card

    def _bytecode_dir(self, version: str) -> Path:
        """Where compiled templates are kept between builds (Jinja checks each
        against its source). Named for what else shapes the compiled code: the
        Jinja version and the environment's options, which `BYTECODE` versions."""
        folder = self.project.state_dir / "templates" / f"{BYTECODE}-jinja-{version}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def template(self, name: str, language: str) -> jinja2.Template:
        import jinja2

        try:
            return self.env(language).get_template(name)
        except jinja2.TemplateNotFound:
            searched = ", ".join(str(d / name) for d in self.dirs)
            raise SatireError(f"template {name!r} not found (searched {searched})") from None
        except jinja2.TemplateSyntaxError as exc:
            raise SatireError(
                f"{exc.filename or name}:{exc.lineno}: template syntax error: {exc.message}"
            ) from None

    def source_of(self, name: str) -> str:
        """The file a template name resolves to (for messages)."""
        for folder in self.dirs:
            if (folder / name).is_file():
                return self.project.rel(folder / name)
        return name

    def asset_dirs(self) -> list[Path]:
        """Theme static folders, lowest priority first (built-in, then project)."""
        return [d / ASSETS for d in reversed(self.dirs) if (d / ASSETS).is_dir()]

    def render(self, name: str, language: str, context: dict[str, Any]) -> str:
        import jinja2

        try:
            return self.template(name, language).render(context)
        except jinja2.TemplateNotFound as exc:
            searched = ", ".join(str(d / str(exc.name)) for d in self.dirs)
            raise SatireError(
                f"{self._where(exc, name)}: template {exc.name!r} not found (searched {searched})"
            ) from None
        except jinja2.TemplateError as exc:
            raise SatireError(
                f"{self._where(exc, name)}: template error: {type(exc).__name__}: {exc}"
            ) from None

    def _where(self, exc: BaseException, name: str) -> str:
        """'templates/post.html:12' from the innermost template frame of a traceback."""
        where = self.source_of(name)
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith((".html", ".xml", ".txt")):
                where = f"{self.project.rel(Path(filename))}:{tb.tb_lineno}"
            tb = tb.tb_next
        return where


def picture(
    context: Any, post: Any, *, hero: bool = False, thumb: bool = False, css: str = ""
) -> Markup:
    """`picture(post, hero=true)`: the post's image as the page shows it (responsive
    when it is a local raster image; the hero loads first, the others lazily)."""
    if post.image is None:
        return Markup("")
    root = context["root"]
    rel = images.local_path(post.image.src, root)
    found = post.pictures.get(rel) if rel else None
    sizes = images.THUMB_SIZES if thumb else images.HERO_SIZES
    return images.img_html(
        post.image.src,
        "" if thumb else post.image.alt,
        found,
        root=root,
        hero=hero,
        sizes=sizes,
        css=css,
    )
