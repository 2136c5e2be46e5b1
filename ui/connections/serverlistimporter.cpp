#include "connections/serverlistimporter.h"

#include "connections/connectionstore.h"

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

QString tagFromStudioColour(const QString &hex)
{
    bool ok = false;
    const uint rgb = hex.toUInt(&ok, 16);
    if (!ok || rgb == 0xffffff) return {};
    const int r = int(rgb >> 16) & 0xff, g = int(rgb >> 8) & 0xff, b = int(rgb) & 0xff;
    // Studio users colour production red-ish, test amber, dev green-ish: keep that meaning
    if (r > g + 30 && r > b + 30) return (g > 150) ? QStringLiteral("uat") : QStringLiteral("prod");
    if (g > r + 20 && g > b + 20) return QStringLiteral("dev");
    if (r > 180 && g > 150 && b < 140) return QStringLiteral("uat");
    return {};
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
        p.tag = tagFromStudioColour(props.value(prefix + QStringLiteral("backgroundColor")));
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

ServerListImport ServerListImporter::parseQStudio(const QByteArray &bytes)
{
    ServerListImport out;
    out.format = QStringLiteral("qStudio");
    const QByteArray trimmed = bytes.trimmed();
    if (trimmed.startsWith('<')) {
        QXmlStreamReader xml(bytes);
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement()) continue;
            const QString tag = xml.name().toString().toLower();
            if (tag != QLatin1String("serverconfig") && tag != QLatin1String("server") &&
                tag != QLatin1String("connection"))
                continue;
            QHash<QString, QString> fields;
            for (const auto &a : xml.attributes())
                fields.insert(a.name().toString().toLower(), a.value().toString());
            const QString element = xml.name().toString();
            while (!xml.atEnd()) {
                xml.readNext();
                if (xml.isEndElement() && xml.name().toString() == element) break;
                if (xml.isStartElement()) {
                    const QString k = xml.name().toString().toLower();
                    fields.insert(k, xml.readElementText(QXmlStreamReader::SkipChildElements));
                }
            }
            ConnectionProfile p = freshProfile();
            p.name = fields.value(QStringLiteral("name"));
            p.host = fields.value(QStringLiteral("host"));
            p.port = fields.value(QStringLiteral("port")).toInt();
            p.user = fields.value(QStringLiteral("username"), fields.value(QStringLiteral("user")));
            p.folder = fields.value(QStringLiteral("folder"));
            const QString type = fields.value(QStringLiteral("jdbctype"));
            if (!type.isEmpty() && !type.contains(QLatin1String("KDB"), Qt::CaseInsensitive)) {
                out.warnings
                    << QStringLiteral("skipped \"%1\": not a kdb+ server (%2)").arg(p.name, type);
                continue;
            }
            if (p.name.isEmpty()) p.name = p.host + QLatin1Char(':') + QString::number(p.port);
            accept(out, p, fields.value(QStringLiteral("password")));
        }
        if (xml.hasError())
            out.error = QStringLiteral("XML error at line %1: %2")
                            .arg(xml.lineNumber())
                            .arg(xml.errorString());
    } else {
        // CSV with a header row
        const QList<QByteArray> lines = bytes.split('\n');
        QStringList header;
        for (const QByteArray &raw : lines) {
            const QString line = QString::fromUtf8(raw).trimmed();
            if (line.isEmpty()) continue;
            const QStringList cells = line.split(QLatin1Char(','));
            if (header.isEmpty()) {
                for (const QString &c : cells)
                    header << c.trimmed().toLower();
                if (!header.contains(QLatin1String("host")) ||
                    !header.contains(QLatin1String("port"))) {
                    out.error = QStringLiteral("the qStudio CSV needs host and port columns");
                    return out;
                }
                continue;
            }
            const auto cell = [&](const char *name) {
                const int i = int(header.indexOf(QLatin1String(name)));
                return i >= 0 && i < cells.size() ? cells[i].trimmed() : QString();
            };
            ConnectionProfile p = freshProfile();
            p.host = cell("host");
            p.port = cell("port").toInt();
            p.name = cell("name");
            if (p.name.isEmpty()) p.name = p.host + QLatin1Char(':') + cell("port");
            p.user = cell("username");
            if (p.user.isEmpty()) p.user = cell("user");
            p.folder = cell("folder");
            accept(out, p, cell("password"));
        }
    }
    if (out.ok() && out.profiles.isEmpty() && out.warnings.isEmpty())
        out.error = QStringLiteral("no qStudio server entries found");
    return out;
}

ServerListImport ServerListImporter::parseQPad(const QByteArray &bytes)
{
    ServerListImport out;
    out.format = QStringLiteral("QPad / list");
    int lineNo = 0;
    for (const QByteArray &raw : bytes.split('\n')) {
        ++lineNo;
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')) ||
            line.startsWith(QLatin1Char(';')) || line.startsWith(QLatin1Char('/')))
            continue;
        // the handle is the last field; whatever precedes it is the (folder/)name
        static const QRegularExpression handleRe(
            QStringLiteral("(`?:?(?:tcps://)?[A-Za-z0-9_.\\-]*:\\d+(?::[^\\s]*)?)\\s*$"));
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
        p.name = label.isEmpty() ? p.host + QLatin1Char(':') + QString::number(p.port) : label;
        accept(out, p, password);
    }
    if (out.profiles.isEmpty() && out.warnings.isEmpty())
        out.error = QStringLiteral("no servers found (expected lines like `:host:port)");
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
    if (t.startsWith('<')) return QStudio;
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
