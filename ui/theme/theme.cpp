#include "theme/theme.h"

#include "net/nettypes.h"

#include <QApplication>
#include <QPainter>
#include <QPalette>
#include <QPixmap>
#include <QStyle>
#include <QStyleFactory>

namespace qscope {

namespace {
Theme::Kind g_current = Theme::Light;

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xdf, 0xe1, 0xe5);
    const QColor disabled(0x7a, 0x7e, 0x85);
    const QColor highlight(0x2f, 0x65, 0xca);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x68));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x58, 0x9d, 0xf6));
    p.setColor(QPalette::Light, QColor(0x3c, 0x3f, 0x44));
    p.setColor(QPalette::Midlight, QColor(0x35, 0x37, 0x3b));
    p.setColor(QPalette::Mid, QColor(0x25, 0x26, 0x29));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x44, 0x47, 0x4c));
    return p;
}

QPalette lightPalette()
{
    QPalette p = QStyleFactory::create(QStringLiteral("Fusion"))->standardPalette();
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd6));
    return p;
}
} // namespace

void Theme::apply(Kind kind)
{
    g_current = kind;
    auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
    if (!app) return;
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(kind == Dark ? darkPalette() : lightPalette());
}

Theme::Kind Theme::current()
{
    return g_current;
}

Theme::Kind Theme::fromName(const QString &name, Kind fallback)
{
    if (name.compare(QLatin1String("dark"), Qt::CaseInsensitive) == 0) return Dark;
    if (name.compare(QLatin1String("light"), Qt::CaseInsensitive) == 0) return Light;
    return fallback;
}

QString Theme::name(Kind kind)
{
    return kind == Dark ? QStringLiteral("dark") : QStringLiteral("light");
}

QColor Theme::tagColor(const QString &tag)
{
    const QString t = tag.toLower();
    if (t == QLatin1String("prod")) return QColor(0xd9, 0x3a, 0x32);
    if (t == QLatin1String("uat")) return QColor(0xe0, 0x9b, 0x1a);
    if (t == QLatin1String("dev")) return QColor(0x2e, 0xa0, 0x4f);
    return {};
}

QString Theme::tagLabel(const QString &tag)
{
    const QColor c = tagColor(tag);
    if (!c.isValid()) return {};
    return QStringLiteral("<span style=\"color:%1\">&#9679;</span> %2")
        .arg(c.name(), tag.toUpper().toHtmlEscaped());
}

QIcon Theme::dotIcon(const QColor &color, bool filled)
{
    QIcon icon;
    for (int size : {16, 20, 24, 32, 48, 64}) {
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        const qreal pen = qMax<qreal>(1.5, size / 8.0);
        const QRectF r(size * 0.2, size * 0.2, size * 0.6, size * 0.6);
        if (filled) {
            p.setPen(QPen(color.darker(130), pen / 2));
            p.setBrush(color);
        } else {
            p.setPen(QPen(color, pen));
            p.setBrush(Qt::NoBrush);
        }
        p.drawEllipse(r);
        p.end();
        icon.addPixmap(pm);
    }
    return icon;
}

namespace {

/// An icon drawn at several sizes (crisp at any device pixel ratio).
template<typename Paint>
QIcon drawnIcon(Paint paint)
{
    QIcon icon;
    for (int size : {16, 20, 24, 32, 48, 64}) {
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        paint(p, qreal(size));
        p.end();
        icon.addPixmap(pm);
    }
    return icon;
}

} // namespace

QIcon Theme::tagIcon(const QString &tag)
{
    const QColor color = tagColor(tag);
    if (!color.isValid()) return {};
    return drawnIcon([color](QPainter &p, qreal size) {
        p.setPen(QPen(color.darker(130), qMax<qreal>(0.75, size / 16.0)));
        p.setBrush(color);
        p.drawRoundedRect(QRectF(size * 0.2, size * 0.2, size * 0.6, size * 0.6), size * 0.08,
                          size * 0.08);
    });
}

QIcon Theme::stateIcon(int connectionState)
{
    if (ConnectionState(connectionState) == ConnectionState::Failed)
        return drawnIcon([](QPainter &p, qreal size) {
            p.setPen(QPen(QColor(0xd9, 0x3a, 0x32), qMax<qreal>(1.5, size / 7.0), Qt::SolidLine,
                          Qt::RoundCap));
            p.drawLine(QPointF(size * 0.25, size * 0.25), QPointF(size * 0.75, size * 0.75));
            p.drawLine(QPointF(size * 0.75, size * 0.25), QPointF(size * 0.25, size * 0.75));
        });
    switch (ConnectionState(connectionState)) {
    case ConnectionState::Open:
        return dotIcon(QColor(0x2e, 0xa0, 0x4f));
    case ConnectionState::Connecting:
    case ConnectionState::Reconnecting:
        return dotIcon(QColor(0xe0, 0x9b, 0x1a), false);
    case ConnectionState::Failed: // drawn above
    case ConnectionState::Closed:
        break;
    }
    return dotIcon(QColor(0x8a, 0x8f, 0x98), false);
}

Theme::EditorColors Theme::editorColors()
{
    EditorColors c;
    if (g_current == Dark) {
        c.paper = QColor(0x1e, 0x1f, 0x22);
        c.text = QColor(0xdf, 0xe1, 0xe5);
        c.comment = QColor(0x7a, 0x9a, 0x6e);
        c.keyword = QColor(0xcf, 0x8e, 0x6d);
        c.systemName = QColor(0xc7, 0x7d, 0xbb);
        c.symbol = QColor(0x6a, 0xab, 0x73);
        c.string = QColor(0xe6, 0xc0, 0x7b);
        c.number = QColor(0x2a, 0xac, 0xb8);
        c.temporal = QColor(0x56, 0xa8, 0xf5);
        c.op = QColor(0xbc, 0xbe, 0xc4);
        c.command = QColor(0xff, 0x8b, 0x7e);
        c.caretLine = QColor(0x26, 0x28, 0x2e);
        c.margin = QColor(0x2b, 0x2d, 0x30);
        c.marginText = QColor(0x6f, 0x73, 0x7a);
        c.selection = QColor(0x21, 0x42, 0x83);
    } else {
        c.paper = QColor(0xff, 0xff, 0xff);
        c.text = QColor(0x1f, 0x23, 0x28);
        c.comment = QColor(0x6a, 0x73, 0x7d);
        c.keyword = QColor(0x00, 0x33, 0xb3);
        c.systemName = QColor(0x87, 0x10, 0x94);
        c.symbol = QColor(0x06, 0x7d, 0x17);
        c.string = QColor(0xa3, 0x15, 0x15);
        c.number = QColor(0x17, 0x50, 0xeb);
        c.temporal = QColor(0x00, 0x7a, 0x7a);
        c.op = QColor(0x44, 0x44, 0x44);
        c.command = QColor(0xb3, 0x3f, 0x00);
        c.caretLine = QColor(0xf5, 0xf7, 0xfa);
        c.margin = QColor(0xf0, 0xf0, 0xf0);
        c.marginText = QColor(0x8a, 0x8a, 0x8a);
        c.selection = QColor(0xb4, 0xd5, 0xfe);
    }
    return c;
}

} // namespace qscope
