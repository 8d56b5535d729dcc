"""User-facing errors: every message is Chinese and says what to do next."""


class JianshiError(Exception):
    """An expected failure with a message meant for the drafter.

    `exit_code` follows the CLI contract: 2 for bad usage or unreadable input.
    """

    exit_code = 2

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}{('；' + self.hint) if self.hint else ''}"


class InputError(JianshiError):
    """The input file or text cannot be used (empty, binary, corrupt, too large)."""


class NoticeError(JianshiError):
    """The notice id is unknown or a pasted notice yields no areas."""


class Cancelled(Exception):
    """The drafter stopped the request (停止). Not a failure: deliberately outside the JianshiError and ModelError
    families, so no fallback path catches it, no later step calls the model and nothing is logged as an error;
    it ends the whole operation and the draft stays as it was."""

    def __init__(self) -> None:
        super().__init__("已停止生成")
