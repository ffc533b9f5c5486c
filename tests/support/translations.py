"""A small form with a group, a coded select and a staff-only radio, and a partial Vietnamese translation
of it: the fixture the translation, report and command tests share."""

from __future__ import annotations

FORM = {
    "id": "feedback",
    "components": [
        {"type": "text", "id": "Intro", "text": "## Tell us"},
        {
            "type": "group",
            "id": "About",
            "label": "About you",
            "path": "person",
            "components": [
                {
                    "type": "textfield",
                    "id": "F_name",
                    "key": "name",
                    "label": "Name",
                    "description": "As on your letters",
                    "validate": {"required": True, "maxLength": 20},
                },
                {
                    "type": "select",
                    "id": "F_lang",
                    "key": "language",
                    "label": "Language",
                    "values": [{"label": "English", "value": "en"}, {"label": "Polish", "value": "pl"}],
                    "properties": {"codes": "bcp47"},
                },
            ],
        },
        {
            "type": "radio",
            "id": "F_channel",
            "key": "channel",
            "label": "Channel",
            "values": [{"label": "Web", "value": "web"}, {"label": "Phone", "value": "phone"}],
            "properties": {"staff_only": "true"},
        },
    ],
}
VI = {
    "Intro": {"text": "## Hãy cho chúng tôi biết"},
    "About": {"label": "Về bạn"},
    "person.name": {"label": "Tên"},
    "channel": {"label": "Kênh", "values": {"web": "Trang web"}},
}
