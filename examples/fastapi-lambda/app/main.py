"""A small FastAPI app served on AWS Lambda through Mangum."""

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI(title="tspack example")


@app.get("/")
async def root() -> dict[str, str]:
    return {"message": "Hello from a Lambda packaged by tspack"}


@app.get("/items/{item_id}")
async def read_item(item_id: int, q: str | None = None) -> dict[str, int | str | None]:
    return {"item_id": item_id, "q": q}


# The Lambda entry point: set the function's handler to `app.main.handler`.
handler = Mangum(app, lifespan="off")
