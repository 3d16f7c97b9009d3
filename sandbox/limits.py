"""Discord's documented limits, enforced so that the bot is held to them.

Violations become DiscordError(400, 50035, "Invalid Form Body") with the field path, the shape
Discord answers with and discord.py turns into "In embeds.0.description: Must be 4096 or fewer
in length."
"""

from __future__ import annotations

from typing import Any

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
CUSTOM_ID_MAX = 100
ACTION_ROWS_MAX = 5
BUTTONS_PER_ROW_MAX = 5
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
SELECT_OPTION_TEXT_MAX = 100
SELECT_PLACEHOLDER_MAX = 150
MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_VALUE_MAX = 4000
TEXT_INPUT_PLACEHOLDER_MAX = 100
THREAD_NAME_MAX = 100
UPLOAD_LIMIT_DEFAULT = 10 * 1024 * 1024
AUTOCOMPLETE_CHOICES_MAX = 25


class DiscordError(Exception):
    """An error response in Discord's shape."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: list[tuple[str, str, str]] | None = None,
    ):
        super().__init__(f"{status} {code} {message} {errors or ''}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            tree: dict[str, Any] = {}
            for path, code, text in self.errors:
                node = tree
                for part in path.split("."):
                    node = node.setdefault(part, {})
                node.setdefault("_errors", []).append({"code": code, "message": text})
            body["errors"] = tree
        return body


def invalid_form(errors: list[tuple[str, str, str]]) -> DiscordError:
    return DiscordError(400, 50035, "Invalid Form Body", errors)


class _Check:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str, str]] = []

    def max_len(self, path: str, value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.errors.append(
                (path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
            )

    def required(self, path: str, value: Any) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.errors.append((path, "BASE_TYPE_REQUIRED", "This field is required"))

    def max_items(self, path: str, items: list[Any], limit: int) -> None:
        if len(items) > limit:
            self.errors.append(
                (path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
            )

    def add(self, path: str, code: str, text: str) -> None:
        self.errors.append((path, code, text))

    def raise_if_any(self) -> None:
        if self.errors:
            raise invalid_form(self.errors)


def _embed_chars(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    return total


def _check_embeds(check: _Check, embeds: list[dict[str, Any]]) -> None:
    check.max_items("embeds", embeds, EMBEDS_MAX)
    total = 0
    for i, embed in enumerate(embeds):
        p = f"embeds.{i}"
        check.max_len(f"{p}.title", embed.get("title"), EMBED_TITLE_MAX)
        check.max_len(f"{p}.description", embed.get("description"), EMBED_DESCRIPTION_MAX)
        check.max_len(f"{p}.footer.text", (embed.get("footer") or {}).get("text"), EMBED_FOOTER_MAX)
        check.max_len(f"{p}.author.name", (embed.get("author") or {}).get("name"), EMBED_AUTHOR_MAX)
        fields = embed.get("fields") or []
        check.max_items(f"{p}.fields", fields, EMBED_FIELDS_MAX)
        for j, f in enumerate(fields):
            check.required(f"{p}.fields.{j}.name", f.get("name"))
            check.required(f"{p}.fields.{j}.value", f.get("value"))
            check.max_len(f"{p}.fields.{j}.name", f.get("name"), EMBED_FIELD_NAME_MAX)
            check.max_len(f"{p}.fields.{j}.value", f.get("value"), EMBED_FIELD_VALUE_MAX)
        total += _embed_chars(embed)
    if total > EMBED_TOTAL_MAX:
        check.add("embeds", "BASE_TYPE_MAX_LENGTH", "Embed size exceeds maximum size of 6000")


def _check_button(check: _Check, path: str, button: dict[str, Any], seen: set[str]) -> None:
    style = button.get("style")
    check.max_len(f"{path}.label", button.get("label"), BUTTON_LABEL_MAX)
    if style == 5:
        check.required(f"{path}.url", button.get("url"))
    elif style != 6:
        check.required(f"{path}.custom_id", button.get("custom_id"))


def _check_custom_id(check: _Check, path: str, component: dict[str, Any], seen: set[str]) -> None:
    custom_id = component.get("custom_id")
    if custom_id is None:
        return
    check.max_len(f"{path}.custom_id", custom_id, CUSTOM_ID_MAX)
    if custom_id in seen:
        check.add(
            f"{path}.custom_id",
            "COMPONENT_CUSTOM_ID_DUPLICATED",
            "Component custom id cannot be duplicated",
        )
    seen.add(custom_id)


def _check_select(check: _Check, path: str, select: dict[str, Any]) -> None:
    check.required(f"{path}.custom_id", select.get("custom_id"))
    check.max_len(f"{path}.placeholder", select.get("placeholder"), SELECT_PLACEHOLDER_MAX)
    options = select.get("options")
    if select.get("type") == 3:
        options = options or []
        if not options:
            check.add(f"{path}.options", "BASE_TYPE_REQUIRED", "This field is required")
        check.max_items(f"{path}.options", options, SELECT_OPTIONS_MAX)
        for k, option in enumerate(options):
            for key in ("label", "value", "description"):
                check.max_len(f"{path}.options.{k}.{key}", option.get(key), SELECT_OPTION_TEXT_MAX)


def _check_components(check: _Check, components: list[dict[str, Any]]) -> None:
    check.max_items("components", components, ACTION_ROWS_MAX)
    seen: set[str] = set()
    for i, row in enumerate(components):
        p = f"components.{i}"
        if row.get("type") != 1:
            check.add(
                f"{p}.type", "COMPONENT_LAYOUT_INVALID", "Top-level components must be action rows"
            )
            continue
        children = row.get("components") or []
        if not children:
            check.add(f"{p}.components", "BASE_TYPE_REQUIRED", "This field is required")
        selects = [c for c in children if c.get("type") in (3, 5, 6, 7, 8)]
        if selects and len(children) > 1:
            check.add(
                f"{p}.components",
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        check.max_items(f"{p}.components", children, BUTTONS_PER_ROW_MAX)
        for j, child in enumerate(children):
            cp = f"{p}.components.{j}"
            _check_custom_id(check, cp, child, seen)
            if child.get("type") == 2:
                _check_button(check, cp, child, seen)
            elif child.get("type") in (3, 5, 6, 7, 8):
                _check_select(check, cp, child)
            else:
                check.add(
                    f"{cp}.type",
                    "COMPONENT_TYPE_INVALID",
                    "Invalid component type for an action row",
                )


def check_message(payload: dict[str, Any], *, files: int = 0, edit: bool = False) -> None:
    """Validate a create/edit message payload (channel message, interaction reply, follow-up)."""
    check = _Check()
    content = payload.get("content")
    embeds = payload.get("embeds") or []
    components = payload.get("components") or []
    check.max_len("content", content, CONTENT_MAX)
    _check_embeds(check, embeds)
    _check_components(check, components)
    check.raise_if_any()
    if not edit and not (content or embeds or components or files or payload.get("sticker_ids")):
        raise DiscordError(400, 50006, "Cannot send an empty message")


def check_modal(data: dict[str, Any]) -> None:
    """Validate a modal (interaction callback type 9)."""
    check = _Check()
    check.required("data.title", data.get("title"))
    check.max_len("data.title", data.get("title"), MODAL_TITLE_MAX)
    check.required("data.custom_id", data.get("custom_id"))
    check.max_len("data.custom_id", data.get("custom_id"), CUSTOM_ID_MAX)
    rows = data.get("components") or []
    if not 1 <= len(rows) <= MODAL_COMPONENTS_MAX:
        check.add(
            "data.components",
            "BASE_TYPE_BAD_LENGTH",
            f"Must be between 1 and {MODAL_COMPONENTS_MAX} in length.",
        )
    seen: set[str] = set()
    for i, row in enumerate(rows):
        p = f"data.components.{i}"
        if row.get("type") == 1:  # action row holding one text input (legacy form)
            inner = row.get("components") or []
            if len(inner) != 1:
                check.add(f"{p}.components", "BASE_TYPE_BAD_LENGTH", "Must be 1 in length.")
                continue
            item, label = inner[0], inner[0].get("label")
            ip = f"{p}.components.0"
        elif row.get("type") == 18:  # label wrapping one component
            item, label = row.get("component") or {}, row.get("label")
            ip = f"{p}.component"
            check.required(f"{p}.label", label)
        elif row.get("type") == 10:  # text display
            continue
        else:
            check.add(f"{p}.type", "COMPONENT_TYPE_INVALID", "Invalid component type in a modal")
            continue
        _check_custom_id(check, ip, item, seen)
        if item.get("type") == 4:
            check.required(f"{ip}.custom_id", item.get("custom_id"))
            check.max_len(f"{ip}.label", label, TEXT_INPUT_LABEL_MAX)
            check.max_len(f"{ip}.placeholder", item.get("placeholder"), TEXT_INPUT_PLACEHOLDER_MAX)
            check.max_len(f"{ip}.value", item.get("value"), TEXT_INPUT_VALUE_MAX)
            for key in ("min_length", "max_length"):
                n = item.get(key)
                if n is not None and not 0 <= n <= TEXT_INPUT_VALUE_MAX:
                    check.add(f"{ip}.{key}", "NUMBER_TYPE_MAX", "Must be between 0 and 4000.")
            if item.get("style") not in (1, 2):
                check.add(f"{ip}.style", "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
        elif item.get("type") in (3, 5, 6, 7, 8):
            _check_select(check, ip, item)
    check.raise_if_any()


def check_thread_name(name: Any) -> None:
    check = _Check()
    check.required("name", name)
    check.max_len("name", name, THREAD_NAME_MAX)
    check.raise_if_any()


def check_choices(choices: list[dict[str, Any]]) -> None:
    check = _Check()
    check.max_items("data.choices", choices, AUTOCOMPLETE_CHOICES_MAX)
    for i, choice in enumerate(choices):
        check.max_len(f"data.choices.{i}.name", choice.get("name"), 100)
        check.max_len(f"data.choices.{i}.value", choice.get("value"), 100)
    check.raise_if_any()


def check_upload(total_bytes: int, limit: int) -> None:
    if total_bytes > limit:
        raise DiscordError(413, 40005, "Request entity too large")
