#pragma once
/// Light and dark themes: one palette for the whole app (Fusion style, so the palette is honoured
/// on every platform) and the colours the q lexer and the connection tags draw with. Sizes are
/// never fixed in pixels: everything scales with the font, so HiDPI screens look right.

#include <QColor>
#include <QIcon>
#include <QString>

class QApplication;

namespace qscope {

class Theme
{
public:
    enum Kind { Light, Dark };

    // GUI thread ------------------------------------------------------------------------------
    static void apply(Kind kind);
    static Kind current();
    static Kind fromName(const QString &name, Kind fallback = Light);
    static QString name(Kind kind);

    /// Colour of a connection tag: "prod" red, "uat" amber, "dev" green; invalid for none.
    static QColor tagColor(const QString &tag);
    /// A small filled circle in the tag colour, sized from the current font (for tabs, status bar).
    static QString tagLabel(const QString &tag);

    /// A round marker icon drawn at several sizes (crisp at any device pixel ratio): filled when
    /// `filled`, else a ring.
    static QIcon dotIcon(const QColor &color, bool filled = true);
    /// Connection state marker, a round or cross shape: green dot open, amber ring connecting,
    /// red cross failed, grey ring closed. Never a square, so never mistaken for a tag.
    static QIcon stateIcon(int connectionState);
    /// Colour tag marker: a filled square in the tag's colour (a red square is "prod", a red
    /// cross "failed"), empty icon for no tag.
    static QIcon tagIcon(const QString &tag);

    /// Editor colours for the current theme.
    struct EditorColors
    {
        QColor paper, text, comment, keyword, systemName, symbol, string, number, temporal, op,
            command, caretLine, margin, marginText, selection;
    };
    static EditorColors editorColors();
};

} // namespace qscope
