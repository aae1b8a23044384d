# Flask views: abort(403) for a missing login should be a 401 with a challenge.
from flask import Flask, abort, request

app = Flask(__name__)


@app.route("/reports")
def reports():
    if not request.authorization:
        abort(403)
    return {"reports": []}
