"""Flask « hello world »: the framework's ceiling on the same gunicorn configuration as kb."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest page Flask can serve."""
    return "Hello, World!"
