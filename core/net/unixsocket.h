#pragma once
/// Connecting a Unix domain socket the way kdb+ listens: "@/tmp/kx.5000" is a Linux abstract
/// socket (sun_path starts with a NUL and the address length counts only the name's bytes, which
/// QLocalSocket's own connect does not produce); anything else is a filesystem path.

#include <QString>

namespace qscope::detail {

/// Returns a connected, non-blocking AF_UNIX stream socket, or -1 with *error set. The caller
/// owns the descriptor (hand it to QLocalSocket::setSocketDescriptor). Any thread.
int connectUnixSocket(const QString &name, QString *error);

/// A listening AF_UNIX socket on name (same naming), or -1 with *error set. For servers and tests
/// (hand it to QLocalServer::listen(qintptr)).
int listenUnixSocket(const QString &name, QString *error);

} // namespace qscope::detail
