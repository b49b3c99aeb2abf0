"""Test harnesses the product never imports: replica processes, a crowd of sockets, a Socket
Mode stand-in, a calendar server and a TCP relay that can cut the database off. The local
Slack stand-in, the request signer and the console stay in `bot.local`, which the console
runs on."""
