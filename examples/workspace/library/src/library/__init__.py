"""Shared code of the workspace example."""

import sniffio


def greet(name: str) -> str:
    """Greets `name`, naming the async library in use when there is one."""
    try:
        flavour = sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        flavour = "sync"
    return f"Hello {name} from library ({flavour})!"
