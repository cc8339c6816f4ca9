"""A small LinkedIn REST client: transport, errors, posts, media and OAuth.

It imports nothing else of ``publisher``, so it can be lifted out and reused:

* ``transport.Transport``: the one network seam (headers, Rest.li encoding, errors, retries);
* ``client.LinkedInClient``: posts, comments, userinfo and media uploads for one token;
* ``client.build_post_payload``: the JSON of a Posts API create;
* ``media``: the upload protocols; ``oauth``: authorization URL and token calls;
* ``errors``: the error tree, drawn in its docstring.
"""
