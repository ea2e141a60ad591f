#include "CasebookFixtures.h"
#include <string.h>

// The demo's evidence files, compiled in from ../../fixtures with C23 #embed so that
// `casebook demo` works from any folder with real image, email and audio bytes.
#pragma clang diagnostic ignored "-Wc23-extensions"

static const unsigned char screenshot_post[] = {
#embed "../../fixtures/screenshot-post.png"
};
static const unsigned char screenshot_comment[] = {
#embed "../../fixtures/screenshot-comment.jpg"
};
static const unsigned char removal_check[] = {
#embed "../../fixtures/removal-check.png"
};
static const unsigned char abusive_email[] = {
#embed "../../fixtures/abusive-email.eml"
};
static const unsigned char voicemail[] = {
#embed "../../fixtures/voicemail.wav"
};

#define FIXTURE(file, bytes) \
    if (strcmp(name, file) == 0) { *size = sizeof(bytes); return bytes; }

const unsigned char *casebook_fixture(const char *name, size_t *size) {
    FIXTURE("screenshot-post.png", screenshot_post)
    FIXTURE("screenshot-comment.jpg", screenshot_comment)
    FIXTURE("removal-check.png", removal_check)
    FIXTURE("abusive-email.eml", abusive_email)
    FIXTURE("voicemail.wav", voicemail)
    *size = 0;
    return NULL;
}
