#pragma once
/// The text of resources/agent/qscope_agent.q, compiled in (core/CMakeLists.txt generates the
/// definition), so qscope-demo --plant --agent can load it into every part wherever it runs.

#include <QByteArray>

namespace qscope {

// any thread
QByteArray qscopeAgentScript();

} // namespace qscope
