#pragma once
/// The qscope desktop app, run by the thin app/qscope/main.cpp.
///   qscope [--demo] [--demo-port N] [--theme light|dark] [--reset-layout] [--no-keychain]
/// --demo starts core/demo's DemoServer in this process and opens its connection. On a first run
/// the "Demo" connection is created and the message bar offers to start the demo server.

namespace qscope {

int runQscopeApp(int argc, char **argv);

} // namespace qscope
