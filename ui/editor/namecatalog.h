#pragma once
/// The names the editor completes for one server: q's keywords, the built-in system names
/// (.z.*), and what the server has defined (namespaces, tables with their columns, functions
/// with their parameter names, variables), sorted for prefix look-ups that stay fast with
/// hundreds of thousands of names. Immutable once built; shared between tabs of one server.

#include "protocol/value.h"

#include <QByteArray>
#include <QList>

#include <vector>

namespace qscope {

class NameCatalog
{
public:
    enum Kind : char {
        Keyword = 'k',
        System = 'z', ///< built-in .z names
        Namespace = 'n',
        Table = 't',
        Function = 'f',
        Variable = 'v',
    };
    struct Entry
    {
        QByteArray name;
        Kind kind = Variable;
        QList<QByteArray> extras; ///< a table's columns, a function's parameters
    };

    /// The keywords and built-in names only (no server, or its names not fetched yet).
    static const NameCatalog &builtIn();
    /// The built-in names plus the server's answer to query(): (names; kinds; extras) where
    /// kinds is a char per name. Sets `error` and returns the built-in names when the answer
    /// has another shape (a server that refuses lambdas, an older q).
    static NameCatalog fromServer(const Value &answer, QString *error);
    /// Built-in names plus the given entries (tests, the benchmark).
    static NameCatalog withEntries(std::vector<Entry> entries);

    /// The one small query that asks a server for its names: every namespace and its members,
    /// and the root's, with a kind each, tables' columns and lambdas' parameter names. Each
    /// name is read under a trap, so one odd value cannot fail the whole answer.
    static const QByteArray &query();
    /// query() as an async message whose answer the server pushes back as the async message
    /// (`qscopeNames;token;answer). Async, so it never holds up the connection's sync queries
    /// (q answers those one at a time), and a server that does not answer costs nothing.
    static QByteArray request(qint64 token);
    /// The symbol that heads the pushed answer.
    static const QByteArray &answerTag();

    // any thread ------------------------------------------------------------------------------
    /// Entries whose name starts with `prefix` (case-sensitive), in name order, at most `limit`.
    QList<const Entry *> complete(const QByteArray &prefix, int limit) const;
    const Entry *find(const QByteArray &name) const;
    int size() const { return int(m_entries.size()); }

private:
    void add(std::vector<Entry> entries);

    std::vector<Entry> m_entries; ///< sorted by name, one per name
};

} // namespace qscope
