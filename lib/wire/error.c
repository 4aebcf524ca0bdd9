/* error.c - the text of every liblq error code, for logs and for `lq`. */
#include "lq/common.h"

static const char *const error_text[LQ_ERR__COUNT] = {
	[LQ_OK] = "success",
	[LQ_ERR_TRUNCATED_HEADER] = "message shorter than its fixed header",
	[LQ_ERR_BAD_MAGIC_COOKIE] = "bad DHCP magic cookie",
	[LQ_ERR_BAD_HLEN] = "hardware address length larger than chaddr",
	[LQ_ERR_OPTION_OVERRUN] = "option overruns message",
	[LQ_ERR_OPTION_LENGTH] = "option length not allowed for its type",
	[LQ_ERR_SUBOPTION_OVERRUN] = "sub-option overruns option",
	[LQ_ERR_NESTING_TOO_DEEP] = "nesting too deep",
	[LQ_ERR_TOO_MANY_OPTIONS] = "too many options",
	[LQ_ERR_BAD_OVERLOAD] = "bad option overload (52)",
	[LQ_ERR_CONCAT_TOO_LONG] = "concatenated long options too large",
	[LQ_ERR_MISSING_MSG_TYPE] = "no DHCP message type option",
	[LQ_ERR_DUPLICATE_OPTION] = "option may appear only once",
	[LQ_ERR_BAD_MSG_TYPE] = "message type not valid here",
	[LQ_ERR_NO_SPACE] = "output buffer too small",
	[LQ_ERR_VALUE_TOO_LONG] = "value too long for its field",
	[LQ_ERR_UNBALANCED] = "option containers opened and closed unevenly",
	[LQ_ERR_FRAME_TOO_LARGE] = "TCP frame larger than allowed",
	[LQ_ERR_FRAME_EMPTY] = "empty TCP frame",
	[LQ_ERR_INVALID_ARGUMENT] = "invalid argument",
};

const char *lq_strerror(lq_err err)
{
	if ((unsigned)err >= LQ_ERR__COUNT || error_text[err] == NULL)
		return "unknown error";
	return error_text[err];
}
