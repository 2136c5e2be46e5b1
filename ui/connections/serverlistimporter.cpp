#include "connections/serverlistimporter.h"

#include "connections/connectionstore.h"
#include "net/connectionargs.h"
#include "protocol/csv.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QXmlStreamReader>

namespace qscope {

namespace {

ConnectionProfile freshProfile()
{
    ConnectionProfile p;
    p.id = ConnectionProfile::newId();
    return p;
}

void accept(ServerListImport &out, ConnectionProfile p, const QString &password)
{
    const QString why = p.validate();
    if (!why.isEmpty()) {
        out.warnings << QStringLiteral("skipped \"%1\": %2").arg(p.name, why);
        return;
    }
    if (!password.isEmpty()) out.passwords.insert(p.id, password);
    out.profiles << p;
}

/// Identity of an entry for a re-import: its folder (normalised as the store does) and name.
QString listKey(const ConnectionProfile &p)
{
    return ConnectionStore::normaliseFolder(p.folder) + QLatin1Char('\n') + p.name.trimmed();
}

} // namespace

QHash<QString, QString> ServerListImporter::parseProperties(const QByteArray &bytes)
{
    QHash<QString, QString> out;
    const QString text = QString::fromLatin1(bytes); // Java writes ISO 8859-1 with \u escapes
    const QStringList rawLines = text.split(QRegularExpression(QStringLiteral("\r\n|\r|\n")));
    QString logical;
    const auto unescape = [](const QString &s) {
        QString r;
        r.reserve(s.size());
        for (int i = 0; i < s.size(); ++i) {
            const QChar c = s[i];
            if (c != QLatin1Char('\\') || i + 1 >= s.size()) {
                r += c;
                continue;
            }
            const QChar n = s[++i];
            if (n == QLatin1Char('t'))
                r += QLatin1Char('\t');
            else if (n == QLatin1Char('n'))
                r += QLatin1Char('\n');
            else if (n == QLatin1Char('r'))
                r += QLatin1Char('\r');
            else if (n == QLatin1Char('f'))
                r += QLatin1Char('\f');
            else if (n == QLatin1Char('u') && i + 4 < s.size()) {
                bool ok = false;
                const ushort code = s.mid(i + 1, 4).toUShort(&ok, 16);
                if (ok) {
                    r += QChar(code);
                    i += 4;
                } else {
                    r += n;
                }
            } else {
                r += n;
            }
        }
        return r;
    };
    const auto endsWithOddBackslashes = [](const QString &s) {
        int n = 0;
        for (int i = s.size() - 1; i >= 0 && s[i] == QLatin1Char('\\'); --i)
            ++n;
        return n % 2 == 1;
    };
    for (int li = 0; li < rawLines.size(); ++li) {
        QString line = rawLines[li];
        int start = 0;
        while (start < line.size() && line[start].isSpace())
            ++start;
        line = line.mid(start);
        if (logical.isEmpty() && (line.isEmpty() || line.startsWith(QLatin1Char('#')) ||
                                  line.startsWith(QLatin1Char('!'))))
            continue;
        if (endsWithOddBackslashes(line)) {
            logical += line.left(line.size() - 1);
            continue;
        }
        logical += line;
        // split key / value at the first unescaped = : or whitespace
        int i = 0;
        QString key;
        for (; i < logical.size(); ++i) {
            const QChar c = logical[i];
            if (c == QLatin1Char('\\') && i + 1 < logical.size()) {
                key += c;
                key += logical[++i];
                continue;
            }
            if (c == QLatin1Char('=') || c == QLatin1Char(':') || c.isSpace()) break;
            key += c;
        }
        while (i < logical.size() && logical[i].isSpace())
            ++i;
        if (i < logical.size() &&
            (logical[i] == QLatin1Char('=') || logical[i] == QLatin1Char(':')))
            ++i;
        while (i < logical.size() && logical[i].isSpace())
            ++i;
        out.insert(unescape(key), unescape(logical.mid(i)));
        logical.clear();
    }
    return out;
}

bool ServerListImporter::parseHandle(const QString &text, ConnectionProfile *p, QString *password)
{
    QString s = text.trimmed();
    if (s.startsWith(QLatin1Char('`'))) s.remove(0, 1);
    if (s.startsWith(QLatin1Char(':'))) s.remove(0, 1);
    if (s.startsWith(QLatin1String("unix://"))) {
        // unix://PORT[:user[:password]]: the port read as everywhere else (kdb+'s @/tmp/kx.PORT)
        const QStringList parts = s.split(QLatin1Char(':'));
        const auto socket = unixSocketName(parts[0] + QLatin1Char(':') + parts.value(1));
        if (!socket) return false;
        p->unixSocket = *socket;
        p->host.clear();
        if (parts.size() > 2) p->user = parts[2];
        if (parts.size() > 3 && password) *password = parts.mid(3).join(QLatin1Char(':'));
        return true;
    }
    if (s.startsWith(QLatin1String("tcps://"))) {
        p->tls = true;
        s.remove(0, 7);
    }
    // `::5000 and :5000 both mean this machine's port 5000
    const QStringList parts =
        s.contains(QLatin1Char(':')) ? s.split(QLatin1Char(':')) : QStringList{QString(), s};
    if (parts.size() < 2) return false;
    bool ok = false;
    const int port = parts[1].trimmed().toInt(&ok);
    if (!ok || port <= 0 || port > 65535) return false;
    const QString host = parts[0].trimmed();
    p->host = host.isEmpty() ? QStringLiteral("localhost") : host;
    p->port = port;
    if (parts.size() > 2) p->user = parts[2];
    if (parts.size() > 3 && password)
        *password = parts.mid(3).join(QLatin1Char(':')); // a password may itself hold colons
    return true;
}

ServerListImport ServerListImporter::parseStudio(const QByteArray &bytes)
{
    ServerListImport out;
    out.format = QStringLiteral("Studio for kdb+");
    const QHash<QString, QString> props = parseProperties(bytes);
    const auto detailsFromKey = [&](const QString &key, const QString &name,
                                    const QString &folder) {
        ConnectionProfile p = freshProfile();
        p.name = name.trimmed();
        p.folder = folder;
        const QString prefix = QStringLiteral("server.") + key + QLatin1Char('.');
        p.host = props.value(prefix + QStringLiteral("host"));
        bool ok = false;
        p.port = props.value(prefix + QStringLiteral("port")).toInt(&ok);
        if (!ok) p.port = 0;
        p.user = props.value(prefix + QStringLiteral("user"));
        p.tls = props.value(prefix + QStringLiteral("useTLS"))
                    .compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
        p.tag = tagForColourText(props.value(prefix + QStringLiteral("backgroundColor")));
        accept(out, p, props.value(prefix + QStringLiteral("password")));
    };

    if (props.contains(QStringLiteral("serverTree.0")) ||
        props.contains(QStringLiteral("serverTree.0folder"))) {
        int number = 0;
        // depth-first walk, numbering servers as Studio does when it writes them
        std::function<void(const QString &, const QString &)> walk = [&](const QString &prefix,
                                                                         const QString &folder) {
            for (int index = 0;; ++index) {
                const QString key = prefix + QString::number(index);
                const QString folderKey = key + QStringLiteral("folder");
                if (props.contains(folderKey)) {
                    const QString name = props.value(folderKey).trimmed();
                    walk(key + QLatin1Char('.'),
                         folder.isEmpty() ? name : folder + QLatin1Char('/') + name);
                } else if (props.contains(key)) {
                    detailsFromKey(QString::number(number), props.value(key), folder);
                    ++number;
                } else {
                    break;
                }
            }
        };
        walk(QStringLiteral("serverTree."), QString());
    } else if (props.contains(QStringLiteral("Servers"))) {
        for (const QString &name : props.value(QStringLiteral("Servers")).split(QLatin1Char(',')))
            if (!name.trimmed().isEmpty()) detailsFromKey(name.trimmed(), name, QString());
    } else {
        out.error = QStringLiteral("no Studio for kdb+ server list in this file (expected "
                                   "serverTree.N or Servers= keys)");
    }
    if (out.ok() && out.profiles.isEmpty() && out.warnings.isEmpty())
        out.error = QStringLiteral("the Studio for kdb+ file lists no servers");
    return out;
}

namespace {

/// qStudio keeps the serverlist XML in its Java preferences deflated (zlib) and base64-encoded
/// after this marker, split over the keys K, K0, K1, ... K19 (8192 characters each).
const QByteArray kQStudioEncoded = QByteArrayLiteral("XXX_ENCODED_XXX");
const QByteArray kQStudioEncrypted = QByteArrayLiteral("XXX_I_AM_ENCRYPTED_XXX");

/// The serverlist XML out of a qStudio preferences file (prefs.xml, a java.util.prefs <map> of
/// <entry key= value=/>) or out of one encoded value; the bytes themselves if neither.
QByteArray qStudioServerListXml(const QByteArray &bytes, QString *error)
{
    if (!bytes.contains(kQStudioEncoded)) {
        if (bytes.contains(kQStudioEncrypted))
            *error = QStringLiteral("the connections in this qStudio file are encrypted (an old "
                                    "qStudio wrote them); save them again with a current qStudio "
                                    "and import its prefs.xml");
        return bytes;
    }
    QByteArray encoded;
    if (bytes.trimmed().startsWith('<')) {
        QHash<QString, QByteArray> entries;
        QXmlStreamReader xml(bytes);
        while (!xml.atEnd()) {
            xml.readNext();
            if (xml.isStartElement() && xml.name() == QLatin1String("entry"))
                entries.insert(xml.attributes().value(QLatin1String("key")).toString(),
                               xml.attributes().value(QLatin1String("value")).toUtf8());
        }
        if (xml.hasError()) {
            *error = QStringLiteral("qStudio preferences: XML error at line %1: %2")
                         .arg(xml.lineNumber())
                         .arg(xml.errorString());
            return {};
        }
        for (auto it = entries.cbegin(); it != entries.cend(); ++it) {
            if (!it.value().startsWith(kQStudioEncoded)) continue;
            encoded = it.value();
            for (int i = 0; i < 20; ++i) // the continuation slots, in order
                encoded += entries.value(it.key() + QString::number(i));
            break;
        }
    } else {
        encoded = bytes.trimmed();
    }
    encoded = encoded.mid(encoded.indexOf(kQStudioEncoded) + kQStudioEncoded.size());
    const QByteArray deflated = QByteArray::fromBase64(encoded);
    // a zlib stream (java.util.zip.DeflaterOutputStream); qUncompress wants a size hint first
    // and grows its buffer when the hint is short
    QByteArray withHint(4, '\0');
    withHint[1] = 1; // 64 KiB
    const QByteArray xml = qUncompress(withHint + deflated);
    if (xml.isEmpty())
        *error = QStringLiteral("qStudio preferences: the connections value "
                                "could not be decoded (not base64 + zlib)");
    return xml;
}

/// `a//b/` -> a/b, as qStudio cleans folder names.
QStringList pathParts(const QString &path)
{
    QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (QString &p : parts)
        p = p.trimmed();
    parts.removeAll(QString());
    return parts;
}

} // namespace

ServerListImport ServerListImporter::parseQStudio(const QByteArray &bytes)
{
    ServerListImport out;
    out.format = QStringLiteral("qStudio");
    const QByteArray trimmed = bytes.trimmed();
    if (trimmed.startsWith("PK")) {
        out.error = QStringLiteral("this is a zip (a qStudio .qst workspace?): import the "
                                   "app.xml inside it, or qStudio's prefs.xml");
        return out;
    }
    if (trimmed.startsWith('<') || trimmed.contains(kQStudioEncoded) ||
        trimmed.contains(kQStudioEncrypted)) {
        // qStudio (TimeStored) writes its connections with XStream: a <serverlist> of
        // <ServerConfig> elements whose fields are attributes: name (folders as an "a/b/"
        // prefix), username, password, host, port, database, jdbcType (KDB for kdb+), clr (the
        // colour as a signed ARGB int) and, in old files, a separate folder. The same list sits
        // inside a .qst workspace's app.xml, and encoded in qStudio's Java preferences.
        const QByteArray xmlBytes = qStudioServerListXml(bytes, &out.error);
        if (!out.ok()) return out;
        QXmlStreamReader xml(xmlBytes);
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement()) continue;
            const QString tag = xml.name().toString().toLower();
            if (tag != QLatin1String("serverconfig")) continue;
            QHash<QString, QString> fields;
            for (const auto &a : xml.attributes())
                fields.insert(a.name().toString().toLower(), a.value().toString());
            const QString element = xml.name().toString();
            while (!xml.atEnd()) { // XStream without attributes writes child elements
                xml.readNext();
                if (xml.isEndElement() && xml.name().toString() == element) break;
                if (xml.isStartElement()) {
                    const QString k = xml.name().toString().toLower();
                    fields.insert(k, xml.readElementText(QXmlStreamReader::SkipChildElements));
                }
            }
            ConnectionProfile p = freshProfile();
            QStringList path = pathParts(fields.value(QStringLiteral("folder")));
            path += pathParts(fields.value(QStringLiteral("name")));
            p.host = fields.value(QStringLiteral("host")).trimmed();
            p.port = fields.value(QStringLiteral("port")).trimmed().toInt();
            p.name = path.isEmpty() ? p.host + QLatin1Char(':') + QString::number(p.port)
                                    : path.takeLast();
            p.folder = path.join(QLatin1Char('/'));
            p.user = fields.value(QStringLiteral("username"));
            const QString type = fields.value(QStringLiteral("jdbctype"), QStringLiteral("KDB"));
            if (!type.contains(QLatin1String("KDB"), Qt::CaseInsensitive)) {
                out.warnings
                    << QStringLiteral("skipped \"%1\": not a kdb+ server (%2)").arg(p.name, type);
                continue;
            }
            bool ok = false;
            const int clr = fields.value(QStringLiteral("clr")).toInt(&ok);
            if (ok) p.tag = tagForColour(QColor::fromRgb(QRgb(uint(clr) & 0xffffffu)));
            accept(out, p, fields.value(QStringLiteral("password")));
        }
        if (xml.hasError())
            out.error = QStringLiteral("XML error at line %1: %2")
                            .arg(xml.lineNumber())
                            .arg(xml.errorString());
    } else {
        // not a qStudio format: a CSV with a header naming name,host,port,username,password,
        // folder columns, as a spreadsheet of servers often is
        out.format = QStringLiteral("CSV list");
        const CsvTable table = parseCsv(QString::fromUtf8(bytes));
        if (!table.ok()) {
            out.error = QStringLiteral("the CSV server list: %1").arg(table.error);
            return out;
        }
        QStringList header;
        for (const QString &c : table.records.value(0))
            header << c.trimmed().toLower();
        if (!header.contains(QLatin1String("host")) || !header.contains(QLatin1String("port"))) {
            out.error = QStringLiteral("the CSV server list needs host and port columns");
            return out;
        }
        for (qsizetype r = 1; r < table.records.size(); ++r) {
            const QStringList &cells = table.records[r];
            // names and hosts lose stray spaces; a password is taken exactly as quoted
            const auto raw = [&](const char *name) {
                const int i = int(header.indexOf(QLatin1String(name)));
                return i >= 0 && i < cells.size() ? cells[i] : QString();
            };
            const auto cell = [&](const char *name) { return raw(name).trimmed(); };
            ConnectionProfile p = freshProfile();
            p.host = cell("host");
            p.port = cell("port").toInt();
            p.name = cell("name");
            if (p.name.isEmpty()) p.name = p.host + QLatin1Char(':') + cell("port");
            p.user = cell("username");
            if (p.user.isEmpty()) p.user = cell("user");
            p.folder = cell("folder");
            accept(out, p, raw("password"));
        }
    }
    if (out.ok() && out.profiles.isEmpty() && out.warnings.isEmpty())
        out.error = out.format == QLatin1String("qStudio")
                        ? QStringLiteral("no qStudio <ServerConfig> entries found")
                        : QStringLiteral("no servers found in the CSV list");
    return out;
}

ServerListImport ServerListImporter::parseQPad(const QByteArray &bytes)
{
    ServerListImport out;
    out.format = QStringLiteral("host:port list");
    int lineNo = 0;
    for (const QByteArray &raw : bytes.split('\n')) {
        ++lineNo;
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')) ||
            line.startsWith(QLatin1Char(';')) || line.startsWith(QLatin1Char('/')))
            continue;
        // the handle is the last field; whatever precedes it is the (folder/)name
        static const QRegularExpression handleRe(
            QStringLiteral("(`?:?(?:unix://\\d+|(?:tcps://)?[A-Za-z0-9_.\\-]*:\\d+)(?::[^\\s]*)?)"
                           "\\s*$"));
        const QRegularExpressionMatch m = handleRe.match(line);
        ConnectionProfile p = freshProfile();
        QString password;
        if (!m.hasMatch() || !parseHandle(m.captured(1), &p, &password)) {
            out.warnings << QStringLiteral("line %1: no host:port in \"%2\"").arg(lineNo).arg(line);
            continue;
        }
        QString label = line.left(m.capturedStart(1)).trimmed();
        if (label.endsWith(QLatin1Char('=')) || label.endsWith(QLatin1Char(','))) label.chop(1);
        label = label.trimmed();
        label.replace(QLatin1Char('\\'), QLatin1Char('/'));
        const int slash = label.lastIndexOf(QLatin1Char('/'));
        if (slash >= 0) {
            p.folder = label.left(slash);
            label = label.mid(slash + 1);
        }
        p.name = label.isEmpty()
                     ? (p.unixSocket.isEmpty() ? p.host + QLatin1Char(':') + QString::number(p.port)
                                               : p.addressText())
                     : label;
        accept(out, p, password);
    }
    if (out.profiles.isEmpty() && out.warnings.isEmpty())
        out.error = QStringLiteral("no servers found (expected lines like `:host:port)");
    return out;
}

QString ServerListImporter::tagForColour(const QColor &colour)
{
    if (!colour.isValid()) return {};
    const QColor hsv = colour.toHsv();
    // a faint tint (ivory, off-white, a light grey) or near-black marks nothing; #ffcccc, the
    // pastel red Studio users give production, has a saturation of 0.2
    if (hsv.hsvSaturationF() < 0.08 || hsv.valueF() < 0.15) return {};
    const float hue = hsv.hsvHueF() * 360.0f;
    if (hue < 20.0f || hue >= 330.0f) return QStringLiteral("prod"); // reds, pinks
    if (hue < 70.0f) return QStringLiteral("uat");                   // oranges, ambers, yellows
    if (hue < 175.0f) return QStringLiteral("dev");                  // greens to teal
    return {}; // cyans, blues, purples: no shared meaning among kdb+ users
}

QString ServerListImporter::tagForColourText(const QString &text)
{
    QString hex = text.trimmed();
    if (hex.startsWith(QLatin1Char('#'))) hex.remove(0, 1);
    bool ok = false;
    const uint argb = hex.toUInt(&ok, 16);
    if (!ok || (hex.size() != 6 && hex.size() != 8)) return {};
    return tagForColour(QColor::fromRgb(QRgb(argb & 0xffffffu)));
}

QStringList ServerListImporter::alreadyListed(const ServerListImport &import,
                                              const QList<ConnectionProfile> &existing)
{
    QSet<QString> keys;
    for (const auto &p : existing)
        keys.insert(listKey(p));
    QStringList out;
    for (const auto &p : import.profiles)
        if (keys.contains(listKey(p)))
            out << (p.folder.isEmpty() ? p.name : p.folder + QLatin1Char('/') + p.name);
    return out;
}

ImportPlan ServerListImporter::plan(const ServerListImport &import,
                                    const QList<ConnectionProfile> &existing, ReimportChoice choice)
{
    QHash<QString, const ConnectionProfile *> byKey;
    for (const auto &p : existing)
        byKey.insert(listKey(p), &p);
    ImportPlan out;
    for (const auto &p : import.profiles) {
        const QString password = import.passwords.value(p.id);
        const ConnectionProfile *old =
            choice == ReimportChoice::Duplicate ? nullptr : byKey.value(listKey(p));
        if (!old) {
            out.toAdd << p;
            if (!password.isEmpty()) out.passwords.insert(p.id, password);
            continue;
        }
        if (choice == ReimportChoice::Skip) {
            ++out.skipped;
            continue;
        }
        // Merge: the file says where the server is and who logs in; the user's own settings
        // (timeouts, reconnect, a trusted certificate) and the keychain entry (the id) stay
        ConnectionProfile merged = *old;
        merged.host = p.host;
        merged.port = p.port;
        merged.unixSocket = p.unixSocket;
        merged.tls = p.tls;
        merged.user = p.user;
        if (!p.tag.isEmpty()) merged.tag = p.tag;
        out.toUpdate << merged;
        if (!password.isEmpty()) out.passwords.insert(merged.id, password);
    }
    return out;
}

ServerListImporter::Format ServerListImporter::detect(const QByteArray &bytes,
                                                      const QString &fileName)
{
    const QByteArray t = bytes.trimmed();
    if (t.startsWith('{') || t.startsWith('[')) return Qscope;
    if (fileName.endsWith(QLatin1String(".properties")) || bytes.contains("serverTree.") ||
        bytes.contains("\nServers=") || bytes.startsWith("Servers="))
        return Studio;
    if (t.startsWith('<') || t.contains("XXX_ENCODED_XXX") || t.startsWith("PK")) return QStudio;
    const QByteArray firstLine = t.left(t.indexOf('\n')).toLower();
    if (firstLine.contains("host") && firstLine.contains("port") && firstLine.contains(','))
        return QStudio;
    return QPad;
}

ServerListImport ServerListImporter::parse(const QByteArray &bytes, Format format)
{
    if (format == Auto) format = detect(bytes);
    switch (format) {
    case Studio:
        return parseStudio(bytes);
    case QStudio:
        return parseQStudio(bytes);
    case QPad:
        return parseQPad(bytes);
    case Qscope:
    case Auto: {
        ServerListImport out;
        out.format = QStringLiteral("qscope");
        out.profiles = ConnectionStore::parseJson(bytes, &out.error, &out.warnings);
        for (auto &p : out.profiles) {
            p.id = ConnectionProfile::newId();
            p.passwordInKeychain = false;
        }
        return out;
    }
    }
    return {};
}

ServerListImport ServerListImporter::importFile(const QString &path, Format format)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        ServerListImport out;
        out.error = QStringLiteral("Cannot read %1: %2").arg(path, f.errorString());
        return out;
    }
    if (f.size() > (16 << 20)) {
        ServerListImport out;
        out.error = QStringLiteral("%1 is over 16 MiB: not a server list").arg(path);
        return out;
    }
    const QByteArray bytes = f.readAll();
    return parse(bytes, format == Auto ? detect(bytes, QFileInfo(path).fileName()) : format);
}

} // namespace qscope
