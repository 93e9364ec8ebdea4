"""A second driver against the same target: pymongo. Usage: pymongo_client.py <uri> <db>.

Prints one JSON object with what it observed; pymongo.test.ts asserts on it.
"""
import json
import sys

import pymongo
from pymongo.errors import DuplicateKeyError, OperationFailure


def main() -> None:
    uri, db_name = sys.argv[1], sys.argv[2]
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=10000)
    db = client[db_name]
    out = {"pymongo": pymongo.version}

    people = db["people"]
    out["index"] = people.create_index([("email", pymongo.ASCENDING)], unique=True)
    people.insert_many([{"email": "a@x.io", "age": 31, "team": "red"},
                        {"email": "b@x.io", "age": 25, "team": "blue"},
                        {"email": "c@x.io", "age": 42, "team": "red"}])
    try:
        people.insert_one({"email": "a@x.io"})
        out["duplicate"] = None
    except DuplicateKeyError as error:
        out["duplicate"] = {"code": error.code, "keyValue": error.details.get("keyValue")}

    out["found"] = [d["email"] for d in people.find({"age": {"$gte": 30}}, {"_id": 0}).sort("age", pymongo.DESCENDING)]
    out["count"] = people.count_documents({"team": "red"})
    out["aggregate"] = list(people.aggregate([
        {"$group": {"_id": "$team", "total": {"$sum": "$age"}, "n": {"$sum": 1}}},
        {"$sort": {"_id": 1}},
    ]))
    out["upserted"] = people.update_one({"email": "d@x.io"}, {"$setOnInsert": {"age": 1}}, upsert=True).upserted_id is not None

    accounts = db["accounts"]
    accounts.insert_many([{"_id": "alice", "balance": 100}, {"_id": "bob", "balance": 0}])
    with client.start_session() as session:
        with session.start_transaction():
            accounts.update_one({"_id": "alice"}, {"$inc": {"balance": -40}}, session=session)
            accounts.update_one({"_id": "bob"}, {"$inc": {"balance": 40}}, session=session)
            out["invisibleOutside"] = accounts.find_one({"_id": "bob"})["balance"]
    try:
        with client.start_session() as session:
            with session.start_transaction():
                accounts.update_one({"_id": "alice"}, {"$inc": {"balance": -1000}}, session=session)
                raise RuntimeError("abort me")
    except RuntimeError:
        pass
    out["balances"] = {d["_id"]: d["balance"] for d in accounts.find()}

    try:
        db.command({"noSuchCmd": 1})
        out["unknownCommand"] = None
    except OperationFailure as error:
        out["unknownCommand"] = error.code

    print(json.dumps(out))
    client.close()


if __name__ == "__main__":
    main()
