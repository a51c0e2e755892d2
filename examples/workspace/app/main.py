"""A Lambda handler that uses the workspace member `library`."""

import anyio
from library import greet


async def _answer(name: str) -> str:
    await anyio.sleep(0)
    return greet(name)


def handler(event: dict, context: object) -> dict[str, object]:
    name = str(event.get("name", "world"))
    return {"statusCode": 200, "body": anyio.run(_answer, name)}
