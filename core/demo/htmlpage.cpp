#include "demo/htmlpage.h"

#include "protocol/format.h"

#include <QString>

namespace qscope::detail {

namespace {

constexpr int kMaxRows = 1000; // the page shows the first rows, like a console would

void appendTable(QByteArray &out, const Value &t)
{
    const Value &names = t.columnNames();
    const Value &cols = t.columns();
    out += "<table>\n<tr>";
    for (int64_t c = 0; c < names.count(); ++c)
        out += "<th>" + htmlEscape(names.symAt(c)) + "</th>";
    out += "</tr>\n";
    const int64_t n = std::min<int64_t>(t.count(), kMaxRows);
    for (int64_t r = 0; r < n; ++r) {
        out += "<tr>";
        for (int64_t c = 0; c < cols.count(); ++c)
            out += "<td>" + htmlEscape(formatCell(cols.item(c), r)) + "</td>";
        out += "</tr>\n";
    }
    out += "</table>\n";
    if (t.count() > n)
        out +=
            "<p>" + QByteArray::number(n) + " of " + QByteArray::number(t.count()) + " rows</p>\n";
}

Value unkeyed(const Value &v)
{
    if (!v.isKeyedTable()) return v;
    // 0!t: key columns first, then the value columns.
    const Value &k = v.keys();
    const Value &d = v.values();
    std::vector<QByteArray> names;
    std::vector<Value> cols;
    for (const Value *part : {&k, &d}) {
        for (int64_t c = 0; c < part->columnNames().count(); ++c) {
            names.push_back(part->columnNames().symAt(c));
            cols.push_back(part->columns().item(c));
        }
    }
    return Value::table(Value::symbols(names), Value::list(std::move(cols)));
}

} // namespace

QByteArray htmlEscape(const QByteArray &text)
{
    QByteArray out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

QByteArray htmlPage(const QByteArray &query, const Value &result)
{
    QByteArray out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                     htmlEscape(query.isEmpty() ? QByteArray("qscope-demo") : query) +
                     "</title>\n<style>table{border-collapse:collapse;font-family:monospace}"
                     "td,th{border:1px solid #ccc;padding:2px 6px}th{background:#eee}"
                     "</style></head><body>\n";
    out += "<form action=\"/\"><input name=\"\" size=\"80\" value=\"" + htmlEscape(query) +
           "\"></form>\n";
    if (result.isError()) {
        out += "<pre class=\"error\">'" + htmlEscape(result.symbolValue()) + "</pre>\n";
    } else if (query.isEmpty() && result.type() == Symbol) {
        out += "<ul>\n";
        for (int64_t i = 0; i < result.count(); ++i) {
            const QByteArray t = result.symAt(i);
            const QByteArray link = QByteArray(QByteArray("select from ") + t).toPercentEncoding();
            out += "<li><a href=\"/?" + link + "\">" + htmlEscape(t) + "</a></li>\n";
        }
        out += "</ul>\n";
    } else if (result.isTable() || result.isKeyedTable()) {
        appendTable(out, unkeyed(result));
    } else {
        out += "<pre>" + htmlEscape(formatConsole(result)) + "</pre>\n";
    }
    out += "</body></html>\n";
    return out;
}

QByteArray htmlResponse(const QByteArray &query, const Value &result)
{
    const QByteArray body = htmlPage(query, result);
    return "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

QByteArray httpError(int status, const QByteArray &reason)
{
    const QByteArray body = QByteArray::number(status) + " " + reason + "\n";
    return "HTTP/1.1 " + QByteArray::number(status) + " " + reason +
           "\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

} // namespace qscope::detail
