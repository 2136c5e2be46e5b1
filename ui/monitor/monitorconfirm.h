#pragma once
/// The monitor confirms through the app's one modal seam, Confirm (app/confirm.h, built as
/// qscope_ui_common). This adapter only keeps the bool-answer seam tests of the monitor were
/// written against; new code and tests use Confirm directly.

#include "app/confirm.h"

namespace qscope {

struct MonitorConfirm
{
    // GUI thread ------------------------------------------------------------------------------
    static void setNextAnswer(std::optional<bool> answer)
    {
        Confirm::setNextAnswer(
            answer ? std::optional<Confirm::Answer>(*answer ? Confirm::Yes : Confirm::No)
                   : std::nullopt);
    }
    static int askedCount() { return Confirm::askedCount(); }
    static QString lastDetails() { return Confirm::lastDetails(); }
};

} // namespace qscope
