"""Generated portrait avatars for demo people: simple, friendly and clearly illustrations."""

import hashlib
import io

from PIL import Image, ImageDraw

SKIN_TONES = ["#f6d3b3", "#eab98f", "#d39a6a", "#b07248", "#8a5533", "#5e3a22"]
HAIR_COLOURS = ["#2b1d14", "#4a3020", "#7a4a25", "#b5793a", "#d9b36c", "#8c8c8c", "#1c1c1c"]
SHIRT_COLOURS = ["#264653", "#2a9d8f", "#e76f51", "#6d597a", "#457b9d", "#bc6c25", "#3d405b"]
HAIR_STYLES = ("short", "long", "bun", "curly", "bald")

SIZE = 512
SCALE = 2  # draw larger, then shrink: a cheap anti-aliasing


def _pick(options, digest, index):
    return options[digest[index] % len(options)]


def _tint(hex_colour, amount):
    """Mix a colour with white; amount 0 keeps it, 1 gives white."""
    channels = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * amount) for c in channels]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def render_avatar(seed, background):
    """A PNG portrait, the same every time for the same seed (a person's name)."""
    digest = hashlib.sha256(seed.encode()).digest()
    skin = _pick(SKIN_TONES, digest, 0)
    hair = _pick(HAIR_COLOURS, digest, 1)
    shirt = _pick(SHIRT_COLOURS, digest, 2)
    style = _pick(HAIR_STYLES, digest, 3)

    canvas = SIZE * SCALE
    unit = canvas / 100
    image = Image.new("RGB", (canvas, canvas), _tint(background, 0.55))
    draw = ImageDraw.Draw(image)

    def box(left, top, right, bottom):
        return [left * unit, top * unit, right * unit, bottom * unit]

    if style == "long":
        draw.rounded_rectangle(box(27, 22, 73, 78), radius=18 * unit, fill=hair)
    draw.ellipse(box(14, 72, 86, 132), fill=shirt)  # shoulders
    draw.rectangle(box(43, 56, 57, 76), fill=skin)  # neck
    draw.ellipse(box(32, 24, 68, 66), fill=skin)  # head
    if style in ("short", "long", "bun"):
        draw.chord(box(30, 20, 70, 56), start=180, end=360, fill=hair)
    if style == "bun":
        draw.ellipse(box(42, 10, 58, 26), fill=hair)
    if style == "curly":
        for x, y in ((34, 28), (42, 22), (50, 20), (58, 22), (66, 28), (38, 34), (62, 34)):
            draw.ellipse(box(x - 7, y - 7, x + 7, y + 7), fill=hair)
    # eyes and a smile
    draw.ellipse(box(41.5, 43, 45.5, 47), fill="#2b2b2b")
    draw.ellipse(box(54.5, 43, 58.5, 47), fill="#2b2b2b")
    draw.arc(box(43, 48, 57, 58), start=20, end=160, fill="#7a3b2e", width=round(1.6 * unit))

    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
