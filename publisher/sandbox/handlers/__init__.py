"""HTTP side of the sandbox: parse requests, check gateway rules, call the backend, answer.

Split as the backend is, one module per family of resources:

* ``app``        ``SandboxApp`` (WSGI): routing, faults, the gateway's checks, error answers
* ``dispatch``   the table from each endpoint of ``routes.URL_MAP`` to its handler
* ``call``       the decoded request and the Rest.li parameter readers
* ``responses``  JSON, error, HTML and redirect answers
* ``oauth``, ``identity``, ``posts``, ``uploads``, ``social``, ``analytics``  the API
* ``control``    the ``/_sandbox/`` routes

A handler is a function of the backend and the call that returns a response.
"""

from __future__ import annotations

from publisher.sandbox.handlers.app import AFTER_RESPONSE, SandboxApp

__all__ = ["AFTER_RESPONSE", "SandboxApp"]
