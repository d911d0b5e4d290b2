"""The FastAPI + uvicorn peer of bench/load.sh.

Troupe's documents served the way a FastAPI service would serve them: a bearer-token
dependency on each route, the document held as a dict and returned for FastAPI to encode,
every handler async (the fast form: no thread-pool hop). DOCS_DIR holds world.json and
character.json, captured from Troupe in the same run, so both stacks send the same
content. Run with Debian's python3-fastapi and python3-uvicorn, as bench/load.sh does:

    DOCS_DIR=dir python3 -m uvicorn --app-dir bench/fastapi app:app --loop asyncio --http h11
"""

import json
import os

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

DOCS_DIR = os.environ["DOCS_DIR"]
KEY = os.environ.get("API_KEY", "demo-key-123")


def load(name):
    with open(os.path.join(DOCS_DIR, name + ".json")) as f:
        return json.load(f)


WORLD = load("world")
CHARACTER = load("character")

app = FastAPI()
bearer = HTTPBearer()


async def authenticated(creds: HTTPAuthorizationCredentials = Depends(bearer)):
    if creds.credentials != KEY:
        raise HTTPException(status_code=401, detail="invalid key")


@app.get("/v1/worlds/{world_id}", dependencies=[Depends(authenticated)])
async def get_world(world_id: str):
    if world_id != WORLD["id"]:
        raise HTTPException(status_code=404, detail="no such world")
    return WORLD


@app.get("/v1/characters/{character_id}", dependencies=[Depends(authenticated)])
async def get_character(character_id: str):
    if character_id != CHARACTER["id"]:
        raise HTTPException(status_code=404, detail="no such character")
    return CHARACTER
