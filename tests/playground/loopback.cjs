// Preloaded into the Agents Playground (node -r ./loopback.cjs cli.js ...): its server calls
// listen(port) with no host, which binds every interface, and it has no option for the host.
// Every listen without a host binds 127.0.0.1 instead, so nothing it serves leaves loopback.
"use strict";
const net = require("net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== "string") args.splice(1, 0, "127.0.0.1");
  } else if (args[0] && typeof args[0] === "object" && !args[0].path && !args[0].host) {
    args[0] = { ...args[0], host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
