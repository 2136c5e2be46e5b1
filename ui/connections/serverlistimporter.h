#pragma once
/// Reads the server lists of other kdb+ clients so a user can switch in a minute:
///  - Studio for kdb+ `studio.properties` (Java properties). Format 1.2+ keeps the tree as
///    `serverTree.<i>` = name / `serverTree.<i>folder` = folder, children `serverTree.<i>.<j>`, and
///    each server's details as `server.<n>.host|port|user|password|useTLS|backgroundColor`, n
///    counting servers depth-first; format 1.1 has `Servers=a,b` and `server.<name>.host` etc.
///  - qStudio (TimeStored): the XStream XML its ConnectionManager writes, a `<serverlist>` of
///    `<ServerConfig name= username= password= host= port= database= jdbcType= clr=/>` with
///    folders as a `a/b/` prefix of name; found as is in a .qst workspace's app.xml, and in
///    qStudio's Java preferences (prefs.xml) deflated and base64-encoded after `XXX_ENCODED_XXX`,
///    split over the keys K, K0..K19. Non-kdb+ entries (jdbcType other than KDB) are skipped.
///  - host:port lists: one server a line, `[folder/]name<TAB or = or space>`:host:port[:user[:pw]]
///    or just `host:port`; `#`, `;` and `/` start comments. QPad's own server file format could
///    not be confirmed from a public source, so it is not claimed; a list in this form imports.
///  - a CSV with a header naming name/host/port/username/password/folder columns (RFC 4180
///    quoting: a quoted name or password may hold commas, quotes and line breaks).
///  - qscope's own connections JSON.
/// Passwords found in a file are returned separately so they go to the keychain, never to JSON.
/// Server colours become colour tags by hue (tagForColour). Reading a file is pure work with no
/// widgets or store: the connections dock runs it on a worker thread, then plan() decides, on
/// the GUI thread, what a re-import of entries already in the list does.

#include "connections/connectionprofile.h"

#include <QColor>
#include <QHash>
#include <QList>
#include <QStringList>

namespace qscope {

struct ServerListImport
{
    QString format; ///< "Studio for kdb+", "qStudio", "host:port list", "CSV list", "qscope"
    QList<ConnectionProfile> profiles; ///< fresh ids
    QHash<QString, QString> passwords; ///< profile id -> password found in the file
    QStringList warnings;              ///< entries skipped, and why
    QString error;                     ///< the file as a whole could not be read
    bool ok() const { return error.isEmpty(); }
};

/// What a re-import does with an entry already in the list (same folder and name).
enum class ReimportChoice {
    Merge,    ///< update the existing entry from the file (address, TLS, user, tag, password)
    Skip,     ///< leave the existing entry as it is; import only the new ones
    Duplicate ///< import it again beside the existing one, as "name (2)"
};

/// What applying an import to a list does, entry by entry.
struct ImportPlan
{
    QList<ConnectionProfile> toAdd;    ///< new entries (their ids are fresh)
    QList<ConnectionProfile> toUpdate; ///< Merge: existing entries (their ids) as merged
    QHash<QString, QString> passwords; ///< id in toAdd or toUpdate -> password from the file
    int skipped = 0;                   ///< Skip: entries already in the list, left alone
};

/// Thread: any (no widgets, no store); the dock calls importFile on a worker thread.
class ServerListImporter
{
public:
    enum Format { Auto, Studio, QStudio, QPad, Qscope };

    static ServerListImport importFile(const QString &path, Format format = Auto);
    static ServerListImport parse(const QByteArray &bytes, Format format);
    static Format detect(const QByteArray &bytes, const QString &fileName = {});

    static ServerListImport parseStudio(const QByteArray &bytes);
    static ServerListImport parseQStudio(const QByteArray &bytes);
    static ServerListImport parseQPad(const QByteArray &bytes);

    /// Java .properties parsing (escapes, continuation lines, `=`/`:`/space separators).
    static QHash<QString, QString> parseProperties(const QByteArray &bytes);
    /// `:host:port[:user[:password]] (leading backtick and colon optional), or
    /// unix://PORT[:user[:password]]. False if no port.
    static bool parseHandle(const QString &text, ConnectionProfile *p, QString *password);

    /// The colour tag for a server's colour in another client, by hue: reds (pastel #ffcccc too,
    /// the usual production marker) prod, oranges and yellows uat, greens dev; white, greys,
    /// faint tints, near-black, blues and purples no tag (no shared meaning to keep).
    static QString tagForColour(const QColor &colour);
    /// tagForColour of Studio's backgroundColor text: RRGGBB or AARRGGBB hex, '#' optional.
    static QString tagForColourText(const QString &hex);

    /// The entries of import already in existing (same folder and name), as "folder/name".
    static QStringList alreadyListed(const ServerListImport &import,
                                     const QList<ConnectionProfile> &existing);
    /// What applying import to existing does when entries are already there.
    static ImportPlan plan(const ServerListImport &import, const QList<ConnectionProfile> &existing,
                           ReimportChoice choice);
};

} // namespace qscope
