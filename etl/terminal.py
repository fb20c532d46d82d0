"""Text for the command lines' terminals: data prints as itself, never as Rich markup or terminal control codes.

Column names, values, messages and usernames come from files and people. Rich reads ``[/red]`` in a plain
string as markup (and stops with a MarkupError), and a terminal obeys escape sequences (``\\x1b]0;...\\x07``
retitles the window, ``\\x1b[2J`` clears it). Every CLI therefore prints data through ``text``, or through
``printable`` where Rich takes a plain string (a progress bar's description, with markup off).
"""

from rich.text import Text

# C0 and C1 control characters (ESC, BEL, CR, the 8-bit CSI ...) but newline and tab, shown as \xNN
CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0)) if chr(code) not in "\n\t"}


def printable(value: object) -> str:
    """The value as text with control characters escaped (ESC shows as \\x1b); a CR LF line end stays a newline."""
    return str(value).replace("\r\n", "\n").translate(CONTROLS)


def text(*parts: object) -> Text:
    """A line for Rich (a message, a table cell or title) from parts printed literally; a (part, style) pair is
    styled."""
    return Text.assemble(*((printable(part[0]), part[1]) if isinstance(part, tuple) else printable(part)
                           for part in parts))
