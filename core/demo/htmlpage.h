#pragma once
/// The HTTP answer of kdb+'s default .z.ph: a whole HTTP/1.1 response whose HTML page shows the
/// query and its result (a table as an HTML table, anything else as q's console text, an error
/// as 'word). Pure code; any thread.

#include "protocol/value.h"

#include <QByteArray>

namespace qscope::detail {

/// Escapes & < > " for HTML text.
QByteArray htmlEscape(const QByteArray &text);
/// The page body for a query (empty query: the tables list with links).
QByteArray htmlPage(const QByteArray &query, const Value &result);
/// Status line, headers (Content-Length, Connection: close) and the page.
QByteArray htmlResponse(const QByteArray &query, const Value &result);
/// A plain error response, e.g. 400 for a request that is not a GET.
QByteArray httpError(int status, const QByteArray &reason);

} // namespace qscope::detail
