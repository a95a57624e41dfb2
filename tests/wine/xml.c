/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * End-to-end program: an XML client of webservices.dll's readers and writers, no channel. It
 * proves that what a program does with WWSAPI's XML layer reads back what was written, value by
 * value:
 *   - attributes: an unprefixed attribute has no namespace, even under a default namespace, and
 *     WsFindAttribute finds it with the empty namespace (a prefixed one with its own);
 *   - values: WsReadStartElement, WsReadValue and WsReadEndElement of <a>1</a>, the reader over
 *     bytes and over an XML buffer;
 *   - navigation on an XML buffer: WsMoveReader to the root element and its child, then
 *     WsReadToStartElement there and reading on, element after element;
 *   - a writer on an XML buffer going back with WsGetWriterPosition/WsSetWriterPosition to a
 *     position inside an element written before, inserting an element and text there;
 *   - a derived type: a structure description whose subTypes hold the derived one and whose type
 *     attribute field holds the description of the value's type, written as the base type (an
 *     xsi:type attribute) and read back as the base type, giving the derived value;
 *   - a SOAP message in the binary encoding with a static WS_XML_DICTIONARY of its own and
 *     dynamic strings (the writer's callback), read back with the same dictionaries;
 *   - one document written and read back in each encoding the DLL provides: text in UTF-8,
 *     UTF-16LE and UTF-16BE, binary, and raw bytes;
 *   - WsReadArray, WsReadXmlBufferFromBytes and WsVerifyXmlNCName.
 * The checks are in that order: the last three are stubs of Wine's (a call aborts the program,
 * e2e.h's crash filter names the bug), the earlier ones fail with a result or a wrong value.
 *
 * Exit code 0 when all of that held. A failure names the Wine bug whose symptom it is, by the
 * number of its patch (wine/bugs.tsv, see e2e.h).
 */
#include "e2e.h"


static WS_XML_STRING empty_ns = { 0, NULL, NULL, 0 };
static WS_XML_STRING ns = XML_STRING("urn:wsasync-e2e:xml");
static WS_XML_STRING name_r = XML_STRING("r");
static WS_XML_STRING name_a = XML_STRING("a");
static WS_XML_STRING name_b = XML_STRING("b");
static WS_XML_STRING name_c = XML_STRING("c");
static WS_XML_STRING name_item = XML_STRING("item");

static WS_HEAP *heap;

/* Reports a failed check: what was expected, the HRESULT the call gave (NULL: a wrong value, S_OK)
 * and the bug that does this. The result is passed by address, read once the condition has been
 * evaluated (the condition is often the call). Returns FALSE, for "if (!check(...)) return". */
static BOOL check(BOOL condition, const char *what, const HRESULT *hr, enum e2e_bug bug)
{
    if (!condition) e2e_fail(what, hr ? *hr : S_OK, bug);
    return condition;
}

static BOOL string_is(const WS_XML_STRING *string, const char *text)
{
    size_t length = strlen(text);
    return string && string->length == length && (!length || !memcmp(string->bytes, text, length));
}

/* Whether a node's text is the given UTF-8 text (the readers of every encoding but binary give
 * UTF-8 text for character content). */
static BOOL text_is(const WS_XML_TEXT *text, const char *expected)
{
    const WS_XML_UTF8_TEXT *utf8 = (const WS_XML_UTF8_TEXT *)text;
    return text && text->textType == WS_XML_TEXT_TYPE_UTF8 && string_is(&utf8->value, expected);
}

/* A reader on the given bytes, text encoding with the charset detected. */
static HRESULT set_text_input(WS_XML_READER *reader, const char *bytes)
{
    WS_XML_READER_TEXT_ENCODING encoding = { { WS_XML_READER_ENCODING_TYPE_TEXT }, WS_CHARSET_AUTO };
    WS_XML_READER_BUFFER_INPUT input = { { WS_XML_READER_INPUT_TYPE_BUFFER }, (void *)bytes, (ULONG)strlen(bytes) };
    return WsSetInput(reader, &encoding.encoding, &input.input, NULL, 0, NULL);
}

/* The bytes a writer with buffer output has written. */
static HRESULT writer_bytes(WS_XML_WRITER *writer, WS_BYTES *bytes)
{
    return WsGetWriterProperty(writer, WS_XML_WRITER_PROPERTY_BYTES, bytes, sizeof(*bytes), NULL);
}

/* Whether the text form of an XML buffer is expected, for comparing what a writer made; what
 * (NULL: nothing) names the check whose failure a difference is. */
static BOOL buffer_text_is(WS_XML_BUFFER *buffer, const char *expected, const char *what, enum e2e_bug bug)
{
    WS_XML_WRITER_TEXT_ENCODING encoding = { { WS_XML_WRITER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF8 };
    WS_XML_WRITER *writer = NULL;
    void *bytes = NULL;
    ULONG size = 0;
    char text[256];
    HRESULT hr;
    BOOL ok;

    if ((hr = WsCreateWriter(NULL, 0, &writer, NULL)) != S_OK ||
        (hr = WsWriteXmlBufferToBytes(writer, buffer, &encoding.encoding, NULL, 0, heap, &bytes, &size, NULL)) != S_OK)
    {
        snprintf(text, sizeof(text), "%s: WsWriteXmlBufferToBytes", what);
        e2e_fail(text, hr, BUG_NONE);
        if (writer) WsFreeWriter(writer);
        return FALSE;
    }
    WsFreeWriter(writer);
    ok = size == strlen(expected) && !memcmp(bytes, expected, size);
    if (!ok && what)
    {
        snprintf(text, sizeof(text), "%s: wrote '%.*s', not '%s'", what, (int)(size < 120 ? size : 120),
                 (const char *)bytes, expected);
        e2e_fail(text, S_OK, bug);
    }
    return ok;
}

/* An unprefixed attribute belongs to no namespace, whatever the element's default namespace
 * (Namespaces in XML 1.0, section 6.2); a prefixed one to its prefix's. */
static void check_attributes(WS_XML_READER *reader)
{
    static const char doc[] = "<r xmlns=\"urn:wsasync-e2e:xml\" xmlns:p=\"urn:wsasync-e2e:p\" a=\"1\" p:b=\"2\"/>";
    static WS_XML_STRING p_ns = XML_STRING("urn:wsasync-e2e:p");
    const WS_XML_ELEMENT_NODE *element;
    const WS_XML_NODE *node;
    ULONG i, index;
    HRESULT hr;
    BOOL found = FALSE;

    e2e_phase_set("attributes", BUG_NONE);
    if (!check((hr = set_text_input(reader, doc)) == S_OK, "attributes: WsSetInput", &hr, BUG_NONE)) return;
    if (!check((hr = WsReadToStartElement(reader, &name_r, &ns, &found, NULL)) == S_OK && found,
               "attributes: WsReadToStartElement(r)", &hr, BUG_NONE))
        return;
    if (!check((hr = WsGetReaderNode(reader, &node, NULL)) == S_OK, "attributes: WsGetReaderNode", &hr, BUG_NONE))
        return;
    element = (const WS_XML_ELEMENT_NODE *)node;
    for (i = 0; i < element->attributeCount; i++)
    {
        const WS_XML_ATTRIBUTE *attribute = element->attributes[i];
        if (attribute->isXmlNs) continue;
        if (string_is(attribute->localName, "a"))
            check(attribute->ns && !attribute->ns->length && text_is(attribute->value, "1"),
                  "attributes: the unprefixed attribute a is in the default namespace", NULL, BUG_ATTRIBUTE_NS);
        else if (string_is(attribute->localName, "b"))
            check(string_is(attribute->ns, "urn:wsasync-e2e:p") && text_is(attribute->value, "2"),
                  "attributes: the attribute p:b", NULL, BUG_NONE);
    }
    hr = WsFindAttribute(reader, &name_a, &empty_ns, TRUE, &index, NULL);
    if (check(hr == S_OK, "attributes: WsFindAttribute(a, no namespace)", &hr, BUG_ATTRIBUTE_NS))
        check(index < element->attributeCount && string_is(element->attributes[index]->localName, "a"),
              "attributes: WsFindAttribute(a, no namespace) gives another attribute", NULL, BUG_NONE);
    hr = WsFindAttribute(reader, &name_b, &p_ns, TRUE, &index, NULL);
    if (check(hr == S_OK, "attributes: WsFindAttribute(p:b)", &hr, BUG_NONE))
        check(index < element->attributeCount && string_is(element->attributes[index]->localName, "b"),
              "attributes: WsFindAttribute(p:b) gives another attribute", NULL, BUG_NONE);
    /* The element's own namespace is the default one. */
    check(string_is(element->ns, "urn:wsasync-e2e:xml"), "attributes: the element's namespace", NULL, BUG_NONE);
}

/* Writes <r xmlns="ns"><a>1</a><b><c>2</c><c>3</c></b></r> into an XML buffer. */
static HRESULT write_tree(WS_XML_BUFFER **buffer)
{
    WS_XML_WRITER *writer = NULL;
    INT32 values[] = { 1, 2, 3 };
    HRESULT hr;

    if ((hr = WsCreateWriter(NULL, 0, &writer, NULL)) != S_OK) return hr;
    if ((hr = WsCreateXmlBuffer(heap, NULL, 0, buffer, NULL)) == S_OK &&
        (hr = WsSetOutputToBuffer(writer, *buffer, NULL, 0, NULL)) == S_OK &&
        (hr = WsWriteStartElement(writer, NULL, &name_r, &ns, NULL)) == S_OK &&
        (hr = WsWriteStartElement(writer, NULL, &name_a, &ns, NULL)) == S_OK &&
        (hr = WsWriteValue(writer, WS_INT32_VALUE_TYPE, &values[0], sizeof(INT32), NULL)) == S_OK &&
        (hr = WsWriteEndElement(writer, NULL)) == S_OK &&
        (hr = WsWriteStartElement(writer, NULL, &name_b, &ns, NULL)) == S_OK &&
        (hr = WsWriteStartElement(writer, NULL, &name_c, &ns, NULL)) == S_OK &&
        (hr = WsWriteValue(writer, WS_INT32_VALUE_TYPE, &values[1], sizeof(INT32), NULL)) == S_OK &&
        (hr = WsWriteEndElement(writer, NULL)) == S_OK &&
        (hr = WsWriteStartElement(writer, NULL, &name_c, &ns, NULL)) == S_OK &&
        (hr = WsWriteValue(writer, WS_INT32_VALUE_TYPE, &values[2], sizeof(INT32), NULL)) == S_OK &&
        (hr = WsWriteEndElement(writer, NULL)) == S_OK &&
        (hr = WsWriteEndElement(writer, NULL)) == S_OK)
        hr = WsWriteEndElement(writer, NULL);
    WsFreeWriter(writer);
    return hr;
}

/* Reads <name>value</name> at the reader's position: WsReadToStartElement, WsReadStartElement,
 * WsReadValue, WsReadEndElement. bug is the one a failure to read the element's start points to
 * (where the reader was moved to it). */
static BOOL read_int_element(WS_XML_READER *reader, const WS_XML_STRING *name, INT32 expected, const char *where,
                             enum e2e_bug bug)
{
    char what[160];
    INT32 value = -1;
    BOOL found = FALSE;
    HRESULT hr;

    hr = WsReadToStartElement(reader, name, &ns, &found, NULL);
    snprintf(what, sizeof(what), "%s: WsReadToStartElement(%.*s)", where, (int)name->length,
             (const char *)name->bytes);
    if (!check(hr == S_OK && found, what, &hr, bug)) return FALSE;
    snprintf(what, sizeof(what), "%s: WsReadStartElement", where);
    if (!check((hr = WsReadStartElement(reader, NULL)) == S_OK, what, &hr, bug)) return FALSE;
    hr = WsReadValue(reader, WS_INT32_VALUE_TYPE, &value, sizeof(value), NULL);
    snprintf(what, sizeof(what), "%s: WsReadValue gives %d, not %d", where, value, expected);
    if (!check(hr == S_OK && value == expected, what, &hr, BUG_NONE)) return FALSE;
    snprintf(what, sizeof(what), "%s: WsReadEndElement after WsReadValue", where);
    return check((hr = WsReadEndElement(reader, NULL)) == S_OK, what, &hr, BUG_VALUE_END);
}

/* <a>1</a> read by WsReadStartElement, WsReadValue and WsReadEndElement, from bytes and from an
 * XML buffer: after the value the reader stands on the end element. */
static void check_values(WS_XML_READER *reader)
{
    static const char doc[] = "<r xmlns=\"urn:wsasync-e2e:xml\"><a>1</a><b><c>2</c><c>3</c></b></r>";
    WS_XML_BUFFER *buffer;
    BOOL found = FALSE;
    HRESULT hr;

    e2e_phase_set("values", BUG_NONE);
    if (!check((hr = set_text_input(reader, doc)) == S_OK, "values: WsSetInput", &hr, BUG_NONE)) return;
    if (!check((hr = WsReadToStartElement(reader, &name_r, &ns, &found, NULL)) == S_OK && found &&
               (hr = WsReadStartElement(reader, NULL)) == S_OK, "values: reading to r's content", &hr, BUG_NONE))
        return;
    if (!read_int_element(reader, &name_a, 1, "from bytes", BUG_NONE)) return;
    if (!check((hr = write_tree(&buffer)) == S_OK, "values: writing the tree", &hr, BUG_NONE)) return;
    if (!check((hr = WsSetInputToBuffer(reader, buffer, NULL, 0, NULL)) == S_OK, "values: WsSetInputToBuffer", &hr,
               BUG_NONE))
        return;
    if (!check((hr = WsReadToStartElement(reader, &name_r, &ns, &found, NULL)) == S_OK && found &&
               (hr = WsReadStartElement(reader, NULL)) == S_OK, "values: reading to r's content in the buffer", &hr,
               BUG_NONE))
        return;
    read_int_element(reader, &name_a, 1, "from an XML buffer", BUG_NONE);
}

/* WsMoveReader works on a reader over an XML buffer: to the root element, to its first child,
 * where a program reads on as from any reader. */
static void check_navigation(WS_XML_READER *reader)
{
    WS_XML_BUFFER *buffer;
    BOOL found = FALSE;
    HRESULT hr;

    e2e_phase_set("navigation", BUG_NONE);
    if (!check((hr = write_tree(&buffer)) == S_OK, "navigation: writing the tree", &hr, BUG_NONE)) return;
    if (!check((hr = WsSetInputToBuffer(reader, buffer, NULL, 0, NULL)) == S_OK, "navigation: WsSetInputToBuffer",
               &hr, BUG_NONE))
        return;
    hr = WsMoveReader(reader, WS_MOVE_TO_ROOT_ELEMENT, &found, NULL);
    if (!check(hr == S_OK && found, "navigation: WsMoveReader(WS_MOVE_TO_ROOT_ELEMENT)", &hr, BUG_NONE)) return;
    hr = WsMoveReader(reader, WS_MOVE_TO_CHILD_ELEMENT, &found, NULL);
    if (!check(hr == S_OK && found, "navigation: WsMoveReader(WS_MOVE_TO_CHILD_ELEMENT)", &hr, BUG_NONE)) return;
    /* On <a>: read it, then <b>'s children in turn, then the ends of b and r. */
    if (!read_int_element(reader, &name_a, 1, "navigation: a, the root's child", BUG_MOVE_READ)) return;
    if (!check((hr = WsReadToStartElement(reader, &name_b, &ns, &found, NULL)) == S_OK && found,
               "navigation: WsReadToStartElement(b) after a", &hr, BUG_MOVE_READ))
        return;
    if (!check((hr = WsReadStartElement(reader, NULL)) == S_OK, "navigation: WsReadStartElement(b)", &hr, BUG_NONE))
        return;
    if (!read_int_element(reader, &name_c, 2, "navigation: first c", BUG_MOVE_READ) ||
        !read_int_element(reader, &name_c, 3, "navigation: second c", BUG_MOVE_READ))
        return;
    if (!check((hr = WsReadEndElement(reader, NULL)) == S_OK, "navigation: WsReadEndElement(b)", &hr, BUG_NONE)) return;
    check((hr = WsReadEndElement(reader, NULL)) == S_OK, "navigation: WsReadEndElement(r)", &hr, BUG_NONE);

    /* The same document again, from the child element on, by moving only. */
    hr = WsMoveReader(reader, WS_MOVE_TO_ROOT_ELEMENT, &found, NULL);
    if (!check(hr == S_OK && found, "navigation: WsMoveReader back to the root", &hr, BUG_NONE)) return;
    hr = WsMoveReader(reader, WS_MOVE_TO_CHILD_ELEMENT, &found, NULL);
    if (!check(hr == S_OK && found, "navigation: WsMoveReader to the child again", &hr, BUG_NONE)) return;
    hr = WsMoveReader(reader, WS_MOVE_TO_NEXT_ELEMENT, &found, NULL);
    if (!check(hr == S_OK && found, "navigation: WsMoveReader(WS_MOVE_TO_NEXT_ELEMENT)", &hr, BUG_NONE)) return;
    hr = WsMoveReader(reader, WS_MOVE_TO_CHILD_ELEMENT, &found, NULL);
    if (!check(hr == S_OK && found, "navigation: WsMoveReader to b's child", &hr, BUG_NONE)) return;
    read_int_element(reader, &name_c, 2, "navigation: b's child, moved to", BUG_MOVE_READ);
}

/* A writer on an XML buffer goes back to a position it was at and inserts there: the position
 * taken inside <m> (after its start tag was ended) is where <m>'s content goes, after <m> and
 * the rest were written. */
static void check_writer_insertion(void)
{
    static WS_XML_STRING name_m = XML_STRING("m");
    WS_XML_UTF8_TEXT text = { { WS_XML_TEXT_TYPE_UTF8 }, XML_STRING("text") };
    WS_XML_WRITER *writer = NULL;
    WS_XML_BUFFER *buffer;
    WS_XML_NODE_POSITION position;
    HRESULT hr;

    e2e_phase_set("writer insertion", BUG_NONE);
    if (!check((hr = WsCreateWriter(NULL, 0, &writer, NULL)) == S_OK, "insertion: WsCreateWriter", &hr, BUG_NONE))
        return;
    if ((hr = WsCreateXmlBuffer(heap, NULL, 0, &buffer, NULL)) != S_OK ||
        (hr = WsSetOutputToBuffer(writer, buffer, NULL, 0, NULL)) != S_OK ||
        (hr = WsWriteStartElement(writer, NULL, &name_r, &empty_ns, NULL)) != S_OK ||
        (hr = WsWriteStartElement(writer, NULL, &name_a, &empty_ns, NULL)) != S_OK ||
        (hr = WsWriteEndElement(writer, NULL)) != S_OK ||
        (hr = WsWriteStartElement(writer, NULL, &name_m, &empty_ns, NULL)) != S_OK ||
        (hr = WsWriteEndStartElement(writer, NULL)) != S_OK)
    {
        e2e_fail("insertion: writing <r><a/><m>", hr, BUG_NONE);
        goto done;
    }
    if (!check((hr = WsGetWriterPosition(writer, &position, NULL)) == S_OK, "insertion: WsGetWriterPosition", &hr,
               BUG_NONE))
        goto done;
    if ((hr = WsWriteEndElement(writer, NULL)) != S_OK ||
        (hr = WsWriteStartElement(writer, NULL, &name_c, &empty_ns, NULL)) != S_OK ||
        (hr = WsWriteEndElement(writer, NULL)) != S_OK || (hr = WsWriteEndElement(writer, NULL)) != S_OK)
    {
        e2e_fail("insertion: writing </m><c/></r>", hr, BUG_NONE);
        goto done;
    }
    /* <m> empty, in either form. */
    if (!buffer_text_is(buffer, "<r><a/><m></m><c/></r>", NULL, BUG_NONE) &&
        !buffer_text_is(buffer, "<r><a/><m/><c/></r>", "insertion: before", BUG_NONE))
        goto done;
    if (!check((hr = WsSetWriterPosition(writer, &position, NULL)) == S_OK, "insertion: WsSetWriterPosition", &hr,
               BUG_NONE))
        goto done;
    if ((hr = WsWriteStartElement(writer, NULL, &name_b, &empty_ns, NULL)) != S_OK ||
        (hr = WsWriteEndElement(writer, NULL)) != S_OK)
    {
        e2e_fail("insertion: writing <b/> at the position", hr, BUG_WRITER_INSERT);
        goto done;
    }
    if (!buffer_text_is(buffer, "<r><a/><m><b/></m><c/></r>", "insertion: <b/> at the position in <m>",
                        BUG_WRITER_INSERT))
        goto done;
    /* Back there again: text goes after <b/>, still in <m>. */
    if (!check((hr = WsSetWriterPosition(writer, &position, NULL)) == S_OK, "insertion: WsSetWriterPosition again",
               &hr, BUG_NONE) ||
        !check((hr = WsWriteText(writer, &text.text, NULL)) == S_OK, "insertion: WsWriteText at the position", &hr,
               BUG_WRITER_INSERT))
        goto done;
    buffer_text_is(buffer, "<r><a/><m><b/>text</m><c/></r>", "insertion: text at the position in <m>",
                   BUG_WRITER_INSERT);
done:
    WsFreeWriter(writer);
}

/* A derived type: struct derived begins with struct base; base's description lists derived's
 * among its subTypes, and its first field (a type attribute field) holds the description of the
 * value's own type. */
struct base
{
    WS_STRUCT_DESCRIPTION *type;
    INT32 id;
};

struct derived
{
    struct base base;
    WCHAR *name;
};

static WS_XML_STRING base_type_name = XML_STRING("Base");
static WS_XML_STRING derived_type_name = XML_STRING("Derived");
static WS_XML_STRING id_name = XML_STRING("id");
static WS_XML_STRING name_name = XML_STRING("name");
static WS_XML_STRING shape_name = XML_STRING("shape");

static WS_FIELD_DESCRIPTION type_field = { WS_TYPE_ATTRIBUTE_FIELD_MAPPING, NULL, NULL, WS_DESCRIPTION_TYPE, NULL,
                                           FIELD_OFFSET(struct base, type), 0, NULL, 0, NULL, NULL, NULL };
static WS_FIELD_DESCRIPTION id_field = { WS_ELEMENT_FIELD_MAPPING, &id_name, &ns, WS_INT32_TYPE, NULL,
                                         FIELD_OFFSET(struct base, id), 0, NULL, 0, NULL, NULL, NULL };
static WS_FIELD_DESCRIPTION name_field = { WS_ELEMENT_FIELD_MAPPING, &name_name, &ns, WS_WSZ_TYPE, NULL,
                                           FIELD_OFFSET(struct derived, name), 0, NULL, 0, NULL, NULL, NULL };
static WS_FIELD_DESCRIPTION *base_fields[] = { &type_field, &id_field };
static WS_FIELD_DESCRIPTION *derived_fields[] = { &type_field, &id_field, &name_field };
static WS_STRUCT_DESCRIPTION derived_description = {
    sizeof(struct derived), TYPE_ALIGNMENT(struct derived), derived_fields, ARRAYSIZE(derived_fields),
    &derived_type_name, &ns, NULL, NULL, 0, 0 };
static WS_STRUCT_DESCRIPTION *sub_types[] = { &derived_description };
static WS_STRUCT_DESCRIPTION base_description = {
    sizeof(struct base), TYPE_ALIGNMENT(struct base), base_fields, ARRAYSIZE(base_fields),
    &base_type_name, &ns, NULL, sub_types, ARRAYSIZE(sub_types), 0 };

static void check_derived_type(WS_XML_READER *reader)
{
    WS_XML_WRITER_TEXT_ENCODING encoding = { { WS_XML_WRITER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF8 };
    WS_XML_WRITER_BUFFER_OUTPUT output = { { WS_XML_WRITER_OUTPUT_TYPE_BUFFER } };
    WS_XML_READER_TEXT_ENCODING read_encoding = { { WS_XML_READER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF8 };
    WS_XML_READER_BUFFER_INPUT input = { { WS_XML_READER_INPUT_TYPE_BUFFER }, NULL, 0 };
    struct derived value = { { &derived_description, 42 }, (WCHAR *)L"circle" };
    struct base *pointer = &value.base, *read = NULL;
    WS_XML_WRITER *writer = NULL;
    WS_BYTES bytes;
    char what[400];
    HRESULT hr;

    e2e_phase_set("derived type", BUG_NONE);
    if ((hr = WsCreateWriter(NULL, 0, &writer, NULL)) != S_OK ||
        (hr = WsSetOutput(writer, &encoding.encoding, &output.output, NULL, 0, NULL)) != S_OK)
    {
        e2e_fail("derived type: the writer", hr, BUG_NONE);
        goto done;
    }
    hr = WsWriteElement(writer, &(WS_ELEMENT_DESCRIPTION){ &shape_name, &ns, WS_STRUCT_TYPE, &base_description },
                        WS_WRITE_REQUIRED_POINTER, &pointer, sizeof(pointer), NULL);
    if (!check(hr == S_OK, "derived type: WsWriteElement of the derived value as the base type", &hr,
               BUG_SUBTYPES_WRITE))
        goto done;
    if (!check((hr = writer_bytes(writer, &bytes)) == S_OK, "derived type: the bytes written", &hr, BUG_NONE))
        goto done;
    /* The value's type is said by an xsi:type attribute; the derived field is written. */
    snprintf(what, sizeof(what), "%.*s", (int)bytes.length, (const char *)bytes.bytes);
    if (!check(strstr(what, "Derived") && strstr(what, "circle"),
               "derived type: written without its type or its derived field", NULL, BUG_SUBTYPES_WRITE))
    {
        printf("  (written: %s)\n", what);
        goto done;
    }
    input.encodedData = bytes.bytes;
    input.encodedDataSize = bytes.length;
    if (!check((hr = WsSetInput(reader, &read_encoding.encoding, &input.input, NULL, 0, NULL)) == S_OK,
               "derived type: WsSetInput", &hr, BUG_NONE))
        goto done;
    hr = WsReadElement(reader, &(WS_ELEMENT_DESCRIPTION){ &shape_name, &ns, WS_STRUCT_TYPE, &base_description },
                       WS_READ_REQUIRED_POINTER, heap, &read, sizeof(read), NULL);
    if (!check(hr == S_OK && read, "derived type: WsReadElement as the base type", &hr, BUG_SUBTYPES_READ)) goto done;
    if (!check(read->type == &derived_description, "derived type: read back as the base type, not the derived one",
               NULL, BUG_SUBTYPES_READ))
        goto done;
    check(read->id == 42 && ((struct derived *)read)->name && !wcscmp(((struct derived *)read)->name, L"circle"),
          "derived type: the derived value's fields", NULL, BUG_SUBTYPES_READ);
done:
    if (writer) WsFreeWriter(writer);
}

/*
 * The binary message: a static dictionary of the program's own (ids 0..2) and dynamic strings,
 * which the writer's callback gives ids as it meets them; the reader is given the same static
 * dictionary and, as its dynamic dictionary, the strings the callback saw.
 */
static WS_XML_DICTIONARY static_dictionary;
static WS_XML_STRING static_strings[] = {
    { 5, (BYTE *)"order", &static_dictionary, 0 },
    { 19, (BYTE *)"urn:wsasync-e2e:xml", &static_dictionary, 1 },
    { 8, (BYTE *)"quantity", &static_dictionary, 2 },
};
static WS_XML_DICTIONARY static_dictionary = {
    { 0x6f1f3c2a, 0x54d1, 0x4e0b, { 0x9a, 0x11, 0x2b, 0x77, 0x5e, 0x08, 0xc4, 0x3d } },
    static_strings, ARRAYSIZE(static_strings), TRUE };

#define DYNAMIC_MAX 32
static struct
{
    WS_XML_DICTIONARY dictionary;
    WS_XML_STRING strings[DYNAMIC_MAX];
    BYTE text[DYNAMIC_MAX][64];
    ULONG calls;
} dynamic = { { { 0x0c3e9b57, 0x2f61, 0x4a84, { 0x8e, 0x05, 0x71, 0x3a, 0xd2, 0x9c, 0x64, 0x1b } }, NULL, 0, TRUE },
              { { 0 } }, { { 0 } }, 0 };

static HRESULT CALLBACK dynamic_string(void *state, const WS_XML_STRING *string, BOOL *found, ULONG *id,
                                       WS_ERROR *error)
{
    ULONG i;

    (void)state; (void)error;
    dynamic.calls++;
    *found = FALSE;
    if (string->length > sizeof(dynamic.text[0])) return S_OK;
    for (i = 0; i < dynamic.dictionary.stringCount; i++)
    {
        if (dynamic.strings[i].length == string->length && !memcmp(dynamic.text[i], string->bytes, string->length))
        {
            *found = TRUE;
            *id = i;
            return S_OK;
        }
    }
    if (i == DYNAMIC_MAX) return S_OK;
    memcpy(dynamic.text[i], string->bytes, string->length);
    dynamic.strings[i].length = string->length;
    dynamic.strings[i].bytes = dynamic.text[i];
    dynamic.strings[i].dictionary = &dynamic.dictionary;
    dynamic.strings[i].id = i;
    dynamic.dictionary.strings = dynamic.strings;
    dynamic.dictionary.stringCount = i + 1;
    *found = TRUE;
    *id = i;
    return S_OK;
}

struct order
{
    WCHAR *item;
    INT32 quantity;
    WCHAR *note;
};

static WS_XML_STRING dyn_item_name = XML_STRING("item");
static WS_XML_STRING dyn_note_name = XML_STRING("note");
static WS_FIELD_DESCRIPTION order_item = { WS_ELEMENT_FIELD_MAPPING, &dyn_item_name, &static_strings[1], WS_WSZ_TYPE,
                                           NULL, FIELD_OFFSET(struct order, item), 0, NULL, 0, NULL, NULL, NULL };
static WS_FIELD_DESCRIPTION order_quantity = { WS_ELEMENT_FIELD_MAPPING, &static_strings[2], &static_strings[1],
                                               WS_INT32_TYPE, NULL, FIELD_OFFSET(struct order, quantity), 0, NULL, 0,
                                               NULL, NULL, NULL };
/* An unprefixed attribute: in no namespace. */
static WS_FIELD_DESCRIPTION order_note = { WS_ATTRIBUTE_FIELD_MAPPING, &dyn_note_name, &empty_ns, WS_WSZ_TYPE, NULL,
                                           FIELD_OFFSET(struct order, note), 0, NULL, 0, NULL, NULL, NULL };
static WS_FIELD_DESCRIPTION *order_fields[] = { &order_note, &order_item, &order_quantity };
static WS_STRUCT_DESCRIPTION order_description = { sizeof(struct order), TYPE_ALIGNMENT(struct order), order_fields,
                                                   ARRAYSIZE(order_fields), NULL, NULL, NULL, NULL, 0, 0 };
static WS_ELEMENT_DESCRIPTION order_element = { &static_strings[0], &static_strings[1], WS_STRUCT_TYPE,
                                                &order_description };

static void check_binary_message(WS_XML_READER *reader)
{
    WS_XML_WRITER_BINARY_ENCODING encoding = { { WS_XML_WRITER_ENCODING_TYPE_BINARY }, &static_dictionary,
                                               dynamic_string, NULL };
    WS_XML_WRITER_BUFFER_OUTPUT output = { { WS_XML_WRITER_OUTPUT_TYPE_BUFFER } };
    WS_XML_READER_BINARY_ENCODING read_encoding = { { WS_XML_READER_ENCODING_TYPE_BINARY }, &static_dictionary,
                                                    &dynamic.dictionary };
    WS_XML_READER_BUFFER_INPUT input = { { WS_XML_READER_INPUT_TYPE_BUFFER }, NULL, 0 };
    static WS_XML_STRING action = XML_STRING("urn:wsasync-e2e:xml/order");
    struct order sent = { (WCHAR *)L"widget \x00e9\x20ac", 12, (WCHAR *)L"fragile" }, *received = NULL;
    WS_MESSAGE *message = NULL, *message2 = NULL;
    WS_XML_WRITER *writer = NULL;
    WS_XML_STRING *read_action = NULL;
    WS_BYTES bytes;
    HRESULT hr;

    e2e_phase_set("binary message", BUG_NONE);
    if ((hr = WsCreateWriter(NULL, 0, &writer, NULL)) != S_OK ||
        (hr = WsSetOutput(writer, &encoding.encoding, &output.output, NULL, 0, NULL)) != S_OK)
    {
        e2e_fail("binary message: the binary writer with a dictionary and a dynamic string callback", hr, BUG_NONE);
        goto done;
    }
    if ((hr = WsCreateMessage(WS_ENVELOPE_VERSION_SOAP_1_2, WS_ADDRESSING_VERSION_1_0, NULL, 0, &message,
                              NULL)) != S_OK ||
        (hr = WsCreateMessage(WS_ENVELOPE_VERSION_SOAP_1_2, WS_ADDRESSING_VERSION_1_0, NULL, 0, &message2,
                              NULL)) != S_OK ||
        (hr = WsInitializeMessage(message, WS_BLANK_MESSAGE, NULL, NULL)) != S_OK ||
        (hr = WsSetHeader(message, WS_ACTION_HEADER, WS_XML_STRING_TYPE, WS_WRITE_REQUIRED_VALUE, &action,
                          sizeof(action), NULL)) != S_OK)
    {
        e2e_fail("binary message: the message", hr, BUG_NONE);
        goto done;
    }
    /* The envelope's attribute values (mustUnderstand's "1") are offered to the callback too:
     * one it gives an id is written as a dictionary text record. */
    if (!check((hr = WsWriteEnvelopeStart(message, writer, NULL, NULL, NULL)) == S_OK,
               "binary message: WsWriteEnvelopeStart", &hr, BUG_DYNAMIC_STRINGS))
        goto done;
    if (!check((hr = WsWriteBody(message, &order_element, WS_WRITE_REQUIRED_VALUE, &sent, sizeof(sent), NULL)) == S_OK,
               "binary message: WsWriteBody", &hr, BUG_NONE))
        goto done;
    if (!check((hr = WsWriteEnvelopeEnd(message, NULL)) == S_OK, "binary message: WsWriteEnvelopeEnd", &hr, BUG_NONE))
        goto done;
    if (!check((hr = writer_bytes(writer, &bytes)) == S_OK, "binary message: the bytes written", &hr, BUG_NONE))
        goto done;
    /* The callback was asked for the strings no static dictionary holds (item, note, ...). */
    check(dynamic.dictionary.stringCount > 0, "binary message: the dynamic string callback was never called",
          NULL, BUG_DYNAMIC_STRINGS);

    input.encodedData = bytes.bytes;
    input.encodedDataSize = bytes.length;
    if (!check((hr = WsSetInput(reader, &read_encoding.encoding, &input.input, NULL, 0, NULL)) == S_OK,
               "binary message: WsSetInput with both dictionaries", &hr, BUG_NONE))
        goto done;
    if (!check((hr = WsReadEnvelopeStart(message2, reader, NULL, NULL, NULL)) == S_OK,
               "binary message: WsReadEnvelopeStart", &hr, BUG_DYNAMIC_STRINGS))
        goto done;
    hr = WsGetHeader(message2, WS_ACTION_HEADER, WS_XML_STRING_TYPE, WS_READ_REQUIRED_POINTER, heap, &read_action,
                     sizeof(read_action), NULL);
    check(hr == S_OK && read_action && string_is(read_action, "urn:wsasync-e2e:xml/order"),
          "binary message: the action header read back", &hr, BUG_DYNAMIC_STRINGS);
    hr = WsReadBody(message2, &order_element, WS_READ_REQUIRED_POINTER, heap, &received, sizeof(received), NULL);
    if (!check(hr == S_OK && received, "binary message: WsReadBody", &hr, BUG_DYNAMIC_STRINGS)) goto done;
    if (!check(received->item && !wcscmp(received->item, sent.item) && received->quantity == 12 && received->note &&
               !wcscmp(received->note, L"fragile"), "binary message: the body's values read back", NULL,
               BUG_DYNAMIC_STRINGS))
    {
        printf("  (read: item %s, quantity %d, note %s)\n",
               !received->item ? "NULL" : wcscmp(received->item, sent.item) ? "other" : "as sent", received->quantity,
               !received->note ? "NULL" : wcscmp(received->note, L"fragile") ? "other" : "as sent");
        if (received->note)
            printf("  (the note read: %u characters, the first U+%04x)\n", (unsigned)wcslen(received->note),
                   received->note[0]);
    }
    check((hr = WsReadEnvelopeEnd(message2, NULL)) == S_OK, "binary message: WsReadEnvelopeEnd", &hr, BUG_NONE);
done:
    if (message) WsFreeMessage(message);
    if (message2) WsFreeMessage(message2);
    if (writer) WsFreeWriter(writer);
}

/*
 * One document through each encoding: <r xmlns="ns" a="x"><item>1</item>...<b>text</b></r>,
 * written by WsWriteStartElement and friends and read back element by element. Raw bytes have
 * no elements: there bytes are written with WsWriteBytes and read back with WsReadBytes.
 */
static const char round_text[] = "caf\xc3\xa9 \xe2\x82\xac 5 < 6 & \"q\"";
static const WCHAR round_wide[] = L"caf\x00e9 \x20ac 5 < 6 & \"q\"";

static HRESULT write_document(WS_XML_WRITER *writer)
{
    WS_XML_UTF8_TEXT text = { { WS_XML_TEXT_TYPE_UTF8 }, { sizeof(round_text) - 1, (BYTE *)round_text, NULL, 0 } };
    WS_XML_UTF8_TEXT attribute = { { WS_XML_TEXT_TYPE_UTF8 }, { 1, (BYTE *)"x", NULL, 0 } };
    HRESULT hr;
    INT32 i;

    if ((hr = WsWriteStartElement(writer, NULL, &name_r, &ns, NULL)) != S_OK) return hr;
    if ((hr = WsWriteStartAttribute(writer, NULL, &name_a, &empty_ns, FALSE, NULL)) != S_OK) return hr;
    if ((hr = WsWriteText(writer, &attribute.text, NULL)) != S_OK) return hr;
    if ((hr = WsWriteEndAttribute(writer, NULL)) != S_OK) return hr;
    for (i = 1; i <= 3; i++)
    {
        if ((hr = WsWriteStartElement(writer, NULL, &name_item, &ns, NULL)) != S_OK) return hr;
        if ((hr = WsWriteValue(writer, WS_INT32_VALUE_TYPE, &i, sizeof(i), NULL)) != S_OK) return hr;
        if ((hr = WsWriteEndElement(writer, NULL)) != S_OK) return hr;
    }
    if ((hr = WsWriteStartElement(writer, NULL, &name_b, &ns, NULL)) != S_OK) return hr;
    if ((hr = WsWriteText(writer, &text.text, NULL)) != S_OK) return hr;
    if ((hr = WsWriteEndElement(writer, NULL)) != S_OK) return hr;
    return WsWriteEndElement(writer, NULL);
}

/* Reads the document back, checking each value; returns the first failure's description, its
 * result in *ret and the bug it is the symptom of in *bug. */
static const char *read_document(WS_XML_READER *reader, HRESULT *ret, enum e2e_bug *bug)
{
    const WS_XML_NODE *node;
    ULONG index;
    INT32 i, value;
    BOOL found = FALSE;

    if ((*ret = WsReadToStartElement(reader, &name_r, &ns, &found, NULL)) != S_OK || !found)
        return "WsReadToStartElement(r)";
    /* The unprefixed attribute under the default namespace. */
    *bug = BUG_ATTRIBUTE_NS;
    if ((*ret = WsFindAttribute(reader, &name_a, &empty_ns, TRUE, &index, NULL)) != S_OK)
        return "WsFindAttribute(a)";
    *bug = BUG_NONE;
    if ((*ret = WsGetReaderNode(reader, &node, NULL)) != S_OK) return "WsGetReaderNode(r)";
    {
        const WS_XML_ELEMENT_NODE *element = (const WS_XML_ELEMENT_NODE *)node;
        const WS_XML_TEXT *text = element->attributes[index]->value;
        WS_XML_UTF8_TEXT *utf8;
        WS_XML_UTF16_TEXT *utf16;

        /* Binary records hold the attribute's value as UTF-8 or UTF-16 text. */
        utf8 = text->textType == WS_XML_TEXT_TYPE_UTF8 ? (WS_XML_UTF8_TEXT *)text : NULL;
        utf16 = text->textType == WS_XML_TEXT_TYPE_UTF16 ? (WS_XML_UTF16_TEXT *)text : NULL;
        if (!(utf8 && string_is(&utf8->value, "x")) &&
            !(utf16 && utf16->byteCount == 2 && !memcmp(utf16->bytes, L"x", 2)))
        {
            *ret = S_OK;
            return "the attribute a's value";
        }
    }
    if ((*ret = WsReadStartElement(reader, NULL)) != S_OK) return "WsReadStartElement(r)";
    for (i = 1; i <= 3; i++)
    {
        if ((*ret = WsReadToStartElement(reader, &name_item, &ns, &found, NULL)) != S_OK || !found)
            return "WsReadToStartElement(item)";
        if ((*ret = WsReadStartElement(reader, NULL)) != S_OK) return "WsReadStartElement(item)";
        value = -1;
        if ((*ret = WsReadValue(reader, WS_INT32_VALUE_TYPE, &value, sizeof(value), NULL)) != S_OK)
            return "WsReadValue(item)";
        if (value != i)
        {
            *ret = S_OK;
            return "an item's value";
        }
        *bug = BUG_VALUE_END;
        if ((*ret = WsReadEndElement(reader, NULL)) != S_OK) return "WsReadEndElement(item) after WsReadValue";
        *bug = BUG_NONE;
    }
    {
        WS_ELEMENT_DESCRIPTION description = { &name_b, &ns, WS_WSZ_TYPE, NULL };
        WCHAR *string = NULL;

        if ((*ret = WsReadElement(reader, &description, WS_READ_REQUIRED_POINTER, heap, &string, sizeof(string),
                                  NULL)) != S_OK)
            return "WsReadElement(b)";
        if (!string || wcscmp(string, round_wide))
        {
            *ret = S_OK;
            return "b's text";
        }
    }
    if ((*ret = WsReadEndElement(reader, NULL)) != S_OK) return "WsReadEndElement(r)";
    return NULL;
}

struct encoding
{
    const char *name;
    const WS_XML_WRITER_ENCODING *writer;
    const WS_XML_READER_ENCODING *reader;
    enum e2e_bug write_bug;  /* the bug that keeps this encoding from being written */
    enum e2e_bug read_bug;   /* the bug that keeps it from being read back */
    const char *prefix;      /* what the bytes written begin with */
    ULONG prefix_length;
};

static void check_round_trip(WS_XML_READER *reader, const struct encoding *encoding)
{
    WS_XML_WRITER_BUFFER_OUTPUT output = { { WS_XML_WRITER_OUTPUT_TYPE_BUFFER } };
    WS_XML_READER_BUFFER_INPUT input = { { WS_XML_READER_INPUT_TYPE_BUFFER }, NULL, 0 };
    WS_XML_WRITER *writer = NULL;
    enum e2e_bug bug = BUG_NONE;
    const char *failed;
    char what[200];
    WS_BYTES bytes;
    HRESULT hr;

    if ((hr = WsCreateWriter(NULL, 0, &writer, NULL)) != S_OK)
    {
        e2e_fail("round trip: WsCreateWriter", hr, BUG_NONE);
        return;
    }
    snprintf(what, sizeof(what), "round trip, %s: WsSetOutput", encoding->name);
    if (!check((hr = WsSetOutput(writer, encoding->writer, &output.output, NULL, 0, NULL)) == S_OK, what, &hr,
               encoding->write_bug))
        goto done;
    snprintf(what, sizeof(what), "round trip, %s: writing the document", encoding->name);
    if (!check((hr = write_document(writer)) == S_OK, what, &hr, encoding->write_bug)) goto done;
    snprintf(what, sizeof(what), "round trip, %s: the bytes written", encoding->name);
    if (!check((hr = writer_bytes(writer, &bytes)) == S_OK, what, &hr, BUG_NONE)) goto done;
    snprintf(what, sizeof(what), "round trip, %s: the bytes written begin otherwise", encoding->name);
    if (!check(bytes.length >= encoding->prefix_length &&
               !memcmp(bytes.bytes, encoding->prefix, encoding->prefix_length), what, NULL, encoding->write_bug))
    {
        printf("  (written: %lu bytes, %02x %02x %02x %02x ...)\n", (unsigned long)bytes.length,
               bytes.length > 0 ? bytes.bytes[0] : 0, bytes.length > 1 ? bytes.bytes[1] : 0,
               bytes.length > 2 ? bytes.bytes[2] : 0, bytes.length > 3 ? bytes.bytes[3] : 0);
        goto done;
    }
    input.encodedData = bytes.bytes;
    input.encodedDataSize = bytes.length;
    snprintf(what, sizeof(what), "round trip, %s: WsSetInput", encoding->name);
    if (!check((hr = WsSetInput(reader, encoding->reader, &input.input, NULL, 0, NULL)) == S_OK, what, &hr,
               encoding->read_bug))
        goto done;
    if ((failed = read_document(reader, &hr, &bug)))
    {
        snprintf(what, sizeof(what), "round trip, %s: reading back: %s", encoding->name, failed);
        e2e_fail(what, hr, bug != BUG_NONE ? bug : encoding->read_bug);
    }
done:
    WsFreeWriter(writer);
}

/* Raw bytes: what a raw writer is given is what a raw reader gives. */
static void check_raw(WS_XML_READER *reader)
{
    E2E_XML_WRITER_RAW_ENCODING write_encoding = { { WS_XML_WRITER_ENCODING_TYPE_RAW } };
    E2E_XML_READER_RAW_ENCODING read_encoding = { { WS_XML_READER_ENCODING_TYPE_RAW } };
    WS_XML_WRITER_BUFFER_OUTPUT output = { { WS_XML_WRITER_OUTPUT_TYPE_BUFFER } };
    WS_XML_READER_BUFFER_INPUT input = { { WS_XML_READER_INPUT_TYPE_BUFFER }, NULL, 0 };
    static const BYTE raw[] = { 0x00, 0x01, 0xfe, 0xff, '<', 'r', '/', '>', 0x80, 0x7f };
    WS_XML_WRITER *writer = NULL;
    BYTE got[sizeof(raw) + 8];
    ULONG count = 0, total = 0;
    WS_BYTES bytes;
    HRESULT hr;

    e2e_phase_set("round trip, raw", BUG_NONE);
    if ((hr = WsCreateWriter(NULL, 0, &writer, NULL)) != S_OK) return;
    if (!check((hr = WsSetOutput(writer, &write_encoding.encoding, &output.output, NULL, 0, NULL)) == S_OK,
               "round trip, raw: WsSetOutput", &hr, BUG_RAW_ENCODING))
        goto done;
    if (!check((hr = WsWriteBytes(writer, raw, sizeof(raw), NULL)) == S_OK, "round trip, raw: WsWriteBytes", &hr,
               BUG_RAW_ENCODING))
        goto done;
    if (!check((hr = writer_bytes(writer, &bytes)) == S_OK && bytes.length == sizeof(raw) &&
               !memcmp(bytes.bytes, raw, sizeof(raw)), "round trip, raw: the bytes written", &hr, BUG_RAW_ENCODING))
        goto done;
    input.encodedData = bytes.bytes;
    input.encodedDataSize = bytes.length;
    if (!check((hr = WsSetInput(reader, &read_encoding.encoding, &input.input, NULL, 0, NULL)) == S_OK,
               "round trip, raw: WsSetInput", &hr, BUG_RAW_ENCODING))
        goto done;
    /* The bytes are one text node at the root. */
    if (!check((hr = WsReadNode(reader, NULL)) == S_OK, "round trip, raw: WsReadNode", &hr, BUG_RAW_ENCODING))
        goto done;
    do
    {
        hr = WsReadBytes(reader, got + total, sizeof(got) - total, &count, NULL);
        total += count;
    } while (hr == S_OK && count && total < sizeof(got));
    check(hr == S_OK && total == sizeof(raw) && !memcmp(got, raw, sizeof(raw)), "round trip, raw: WsReadBytes", &hr,
          BUG_RAW_ENCODING);
done:
    WsFreeWriter(writer);
}

/* MTOM: a document whose large binary value goes to a MIME part of its own, referenced by an
 * xop:Include, and whose small one stays inline; both must come back as the bytes written. */
static BOOL read_bytes_element(WS_XML_READER *reader, const WS_XML_STRING *name, const BYTE *expected, ULONG size,
                               const char *what)
{
    BYTE got[512];
    ULONG count = 0, total = 0;
    BOOL found = FALSE;
    HRESULT hr;

    if (!check((hr = WsReadToStartElement(reader, name, &ns, &found, NULL)) == S_OK && found, what, &hr,
               BUG_XOP_INCLUDE) ||
        !check((hr = WsReadStartElement(reader, NULL)) == S_OK, what, &hr, BUG_XOP_INCLUDE))
        return FALSE;
    do
    {
        hr = WsReadBytes(reader, got + total, sizeof(got) - total, &count, NULL);
        total += count;
    } while (hr == S_OK && count && total < sizeof(got));
    if (!check(hr == S_OK && total == size && !memcmp(got, expected, size), what, &hr, BUG_XOP_INCLUDE))
    {
        printf("  (%lu bytes read, %lu written)\n", (unsigned long)total, (unsigned long)size);
        return FALSE;
    }
    return check((hr = WsReadEndElement(reader, NULL)) == S_OK, what, &hr, BUG_NONE);
}

static void check_mtom_parts(WS_XML_READER *reader)
{
    static const WS_XML_WRITER_TEXT_ENCODING text_w = { { WS_XML_WRITER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF8 };
    static const WS_XML_READER_TEXT_ENCODING text_r = { { WS_XML_READER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF8 };
    E2E_XML_WRITER_MTOM_ENCODING mtom_w = { { WS_XML_WRITER_ENCODING_TYPE_MTOM },
                                            (WS_XML_WRITER_ENCODING *)&text_w.encoding, TRUE,
                                            { 11, (WCHAR *)L"e2e-part-MM" }, { 20, (WCHAR *)L"application/soap+xml" },
                                            { 20, (WCHAR *)L"http://tempuri.org/0" }, 64 };
    E2E_XML_READER_MTOM_ENCODING mtom_r = { { WS_XML_READER_ENCODING_TYPE_MTOM },
                                            (WS_XML_READER_ENCODING *)&text_r.encoding, TRUE, { 0, NULL },
                                            { 0, NULL }, { 0, NULL } };
    WS_XML_WRITER_BUFFER_OUTPUT output = { { WS_XML_WRITER_OUTPUT_TYPE_BUFFER } };
    WS_XML_READER_BUFFER_INPUT input = { { WS_XML_READER_INPUT_TYPE_BUFFER }, NULL, 0 };
    static const BYTE small[] = { 1, 2, 3 };
    BYTE large[300];
    WS_XML_WRITER *writer = NULL;
    BOOL found = FALSE;
    WS_BYTES bytes;
    HRESULT hr;
    ULONG i;

    e2e_phase_set("round trip, MTOM with a binary part", BUG_NONE);
    /* Every byte value, and line ends and dashes as a boundary line has them (MIME leaves it to
     * the writer's boundary not to occur in the data: this one does not). */
    for (i = 0; i < sizeof(large); i++) large[i] = (BYTE)(i * 7);
    memcpy(large + 100, "\r\n--e2e-part\r\n", 15);
    if ((hr = WsCreateWriter(NULL, 0, &writer, NULL)) != S_OK) return;
    if (!check((hr = WsSetOutput(writer, &mtom_w.encoding, &output.output, NULL, 0, NULL)) == S_OK,
               "round trip, MTOM parts: WsSetOutput", &hr, BUG_MTOM_WRITE))
        goto done;
    if (!check((hr = WsWriteStartElement(writer, NULL, &name_r, &ns, NULL)) == S_OK &&
               (hr = WsWriteStartElement(writer, NULL, &name_a, &ns, NULL)) == S_OK &&
               (hr = WsWriteBytes(writer, large, sizeof(large), NULL)) == S_OK &&
               (hr = WsWriteEndElement(writer, NULL)) == S_OK &&
               (hr = WsWriteStartElement(writer, NULL, &name_b, &ns, NULL)) == S_OK &&
               (hr = WsWriteBytes(writer, small, sizeof(small), NULL)) == S_OK &&
               (hr = WsWriteEndElement(writer, NULL)) == S_OK &&
               (hr = WsWriteEndElement(writer, NULL)) == S_OK, "round trip, MTOM parts: writing", &hr,
               BUG_MTOM_WRITE))
        goto done;
    if (!check((hr = writer_bytes(writer, &bytes)) == S_OK, "round trip, MTOM parts: the bytes", &hr, BUG_NONE))
        goto done;
    /* The large value is in the output as it is, not as base64. */
    for (i = 0; i + sizeof(large) <= bytes.length; i++)
        if (!memcmp(bytes.bytes + i, large, sizeof(large))) break;
    if (!check(i + sizeof(large) <= bytes.length, "round trip, MTOM parts: the large value in a part of its own",
               NULL, BUG_MTOM_PARTS))
        goto done;
    input.encodedData = bytes.bytes;
    input.encodedDataSize = bytes.length;
    if (!check((hr = WsSetInput(reader, &mtom_r.encoding, &input.input, NULL, 0, NULL)) == S_OK,
               "round trip, MTOM parts: WsSetInput", &hr, BUG_MTOM_READ) ||
        !check((hr = WsReadToStartElement(reader, &name_r, &ns, &found, NULL)) == S_OK && found,
               "round trip, MTOM parts: WsReadToStartElement(r)", &hr, BUG_MTOM_READ) ||
        !check((hr = WsReadStartElement(reader, NULL)) == S_OK, "round trip, MTOM parts: WsReadStartElement(r)",
               &hr, BUG_NONE))
        goto done;
    if (read_bytes_element(reader, &name_a, large, sizeof(large), "round trip, MTOM parts: the large value") &&
        read_bytes_element(reader, &name_b, small, sizeof(small), "round trip, MTOM parts: the small value"))
        check((hr = WsReadEndElement(reader, NULL)) == S_OK, "round trip, MTOM parts: WsReadEndElement(r)", &hr,
              BUG_NONE);
done:
    WsFreeWriter(writer);
}

static void check_encodings(WS_XML_READER *reader)
{
    static const WS_XML_WRITER_TEXT_ENCODING utf8_w = { { WS_XML_WRITER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF8 };
    static const WS_XML_WRITER_TEXT_ENCODING utf16le_w = { { WS_XML_WRITER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF16LE };
    static const WS_XML_WRITER_TEXT_ENCODING utf16be_w = { { WS_XML_WRITER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF16BE };
    static const WS_XML_WRITER_BINARY_ENCODING binary_w = { { WS_XML_WRITER_ENCODING_TYPE_BINARY }, NULL, NULL, NULL };
    static const WS_XML_READER_TEXT_ENCODING utf8_r = { { WS_XML_READER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF8 };
    static const WS_XML_READER_TEXT_ENCODING utf16le_r = { { WS_XML_READER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF16LE };
    static const WS_XML_READER_TEXT_ENCODING utf16be_r = { { WS_XML_READER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF16BE };
    static const WS_XML_READER_TEXT_ENCODING auto_r = { { WS_XML_READER_ENCODING_TYPE_TEXT }, WS_CHARSET_AUTO };
    static const WS_XML_READER_BINARY_ENCODING binary_r = { { WS_XML_READER_ENCODING_TYPE_BINARY }, NULL, NULL };
    /* MTOM around UTF-8 text, its MIME header written and read (the reader takes the boundary and
     * the root part from it). */
    static const E2E_XML_WRITER_MTOM_ENCODING mtom_w = { { WS_XML_WRITER_ENCODING_TYPE_MTOM },
                                                         (WS_XML_WRITER_ENCODING *)&utf8_w.encoding, TRUE,
                                                         { 10, (WCHAR *)L"e2e-bound0" },
                                                         { 20, (WCHAR *)L"application/soap+xml" },
                                                         { 20, (WCHAR *)L"http://tempuri.org/0" }, 1024 };
    static const E2E_XML_READER_MTOM_ENCODING mtom_r = { { WS_XML_READER_ENCODING_TYPE_MTOM },
                                                         (WS_XML_READER_ENCODING *)&utf8_r.encoding, TRUE,
                                                         { 0, NULL }, { 0, NULL }, { 0, NULL } };
    /* What each encoding's bytes begin with: "<r" in its charset, binary's element record (a
     * short element, 0x40, with its name's length and the name). */
    static const struct encoding encodings[] = {
        { "text UTF-8", &utf8_w.encoding, &utf8_r.encoding, BUG_NONE, BUG_NONE, "<r", 2 },
        { "text UTF-16LE", &utf16le_w.encoding, &utf16le_r.encoding, BUG_UTF16_WRITE, BUG_NONE, "<\0r\0", 4 },
        { "text UTF-16LE, charset detected", &utf16le_w.encoding, &auto_r.encoding, BUG_UTF16_WRITE, BUG_NONE,
          "<\0r\0", 4 },
        { "text UTF-16BE", &utf16be_w.encoding, &utf16be_r.encoding, BUG_UTF16_WRITE, BUG_UTF16BE_READ, "\0<\0r", 4 },
        { "binary", &binary_w.encoding, &binary_r.encoding, BUG_NONE, BUG_NONE, "\x40\x01r", 3 },
        { "MTOM", &mtom_w.encoding, &mtom_r.encoding, BUG_MTOM_WRITE, BUG_MTOM_READ, "MIME-Version: 1.0\r\n", 19 },
    };
    ULONG i;

    for (i = 0; i < ARRAYSIZE(encodings); i++)
    {
        e2e_phase_set(encodings[i].name, BUG_NONE);
        check_round_trip(reader, &encodings[i]);
    }
    check_raw(reader);
    check_mtom_parts(reader);
}

/* The functions that are stubs in Wine: called last. */
static void check_read_array(WS_XML_READER *reader)
{
    static const char doc[] = "<r xmlns=\"urn:wsasync-e2e:xml\"><item>5</item><item>-6</item><item>7</item>"
                              "<item>8</item><b>9</b></r>";
    INT32 values[8] = { 0 };
    ULONG count = 0;
    BOOL found = FALSE;
    HRESULT hr;

    e2e_phase_set("WsReadArray", BUG_NONE);
    if ((hr = set_text_input(reader, doc)) != S_OK ||
        (hr = WsReadToStartElement(reader, &name_r, &ns, &found, NULL)) != S_OK ||
        (hr = WsReadStartElement(reader, NULL)) != S_OK)
    {
        e2e_fail("WsReadArray: the document", hr, BUG_NONE);
        return;
    }
    /* Room for 8, 6 asked for from index 1; the array ends at <b>, after 4. */
    hr = WsReadArray(reader, &name_item, &ns, WS_INT32_VALUE_TYPE, values, sizeof(values), 1, 6, &count, NULL);
    if (!check(hr == S_OK, "WsReadArray", &hr, BUG_READ_ARRAY)) return;
    if (!check(count == 4 && values[0] == 0 && values[1] == 5 && values[2] == -6 && values[3] == 7 && values[4] == 8 &&
               values[5] == 0, "WsReadArray: the values read", NULL, BUG_READ_ARRAY))
        return;
    /* The reader stands on what follows the array. */
    if ((hr = WsReadToStartElement(reader, &name_b, &ns, &found, NULL)) != S_OK || !found)
    {
        const WS_XML_NODE *node = NULL;
        char what[96];

        const WS_XML_STRING *name = NULL;

        WsGetReaderNode(reader, &node, NULL);
        if (node && node->nodeType == WS_XML_NODE_TYPE_ELEMENT) name = ((const WS_XML_ELEMENT_NODE *)node)->localName;
        snprintf(what, sizeof(what), "WsReadArray: the element after the array (the reader is on a node of type "
                 "%d%s%.*s)", node ? (int)node->nodeType : -1, name ? ", " : "", name ? (int)name->length : 0,
                 name ? (const char *)name->bytes : "");
        e2e_fail(what, hr, BUG_READ_ARRAY);
    }
}

static void check_buffer_from_bytes(WS_XML_READER *reader)
{
    static const char doc[] = "<r xmlns=\"urn:wsasync-e2e:xml\"><a>1</a><b><c>2</c><c>3</c></b></r>";
    WS_XML_READER_TEXT_ENCODING encoding = { { WS_XML_READER_ENCODING_TYPE_TEXT }, WS_CHARSET_UTF8 };
    WS_XML_BUFFER *buffer = NULL;
    BOOL found = FALSE;
    HRESULT hr;

    e2e_phase_set("WsReadXmlBufferFromBytes", BUG_NONE);
    hr = WsReadXmlBufferFromBytes(reader, &encoding.encoding, NULL, 0, doc, sizeof(doc) - 1, heap, &buffer, NULL);
    if (!check(hr == S_OK && buffer, "WsReadXmlBufferFromBytes", &hr, BUG_BUFFER_FROM_BYTES)) return;
    if (!buffer_text_is(buffer, doc, "WsReadXmlBufferFromBytes: the buffer", BUG_BUFFER_FROM_BYTES)) return;
    /* And read as any XML buffer. */
    if (!check((hr = WsSetInputToBuffer(reader, buffer, NULL, 0, NULL)) == S_OK,
               "WsReadXmlBufferFromBytes: WsSetInputToBuffer", &hr, BUG_NONE))
        return;
    if (!check((hr = WsReadToStartElement(reader, &name_r, &ns, &found, NULL)) == S_OK && found,
               "WsReadXmlBufferFromBytes: WsReadToStartElement(r)", &hr, BUG_NONE))
        return;
    if (!check((hr = WsReadStartElement(reader, NULL)) == S_OK, "WsReadXmlBufferFromBytes: WsReadStartElement(r)",
               &hr, BUG_NONE))
        return;
    read_int_element(reader, &name_a, 1, "WsReadXmlBufferFromBytes: the buffer", BUG_NONE);
}

static void check_ncname(void)
{
    static const struct { const WCHAR *name; BOOL valid; } names[] = {
        { L"name", TRUE }, { L"_n-1.x", TRUE }, { L"\x00e9t\x00e9", TRUE }, { L"p:name", FALSE },
        { L"1name", FALSE }, { L"-name", FALSE }, { L"a b", FALSE }, { L"", FALSE },
    };
    char what[96];
    ULONG i;
    HRESULT hr;

    e2e_phase_set("WsVerifyXmlNCName", BUG_NONE);
    for (i = 0; i < ARRAYSIZE(names); i++)
    {
        hr = WsVerifyXmlNCName(names[i].name, (ULONG)wcslen(names[i].name), NULL);
        snprintf(what, sizeof(what), "WsVerifyXmlNCName(\"%ls\") is %s", names[i].name,
                 names[i].valid ? "valid" : "invalid");
        if (!check(names[i].valid ? hr == S_OK : hr == (HRESULT)WS_E_INVALID_FORMAT, what, &hr, BUG_VERIFY_NCNAME))
            return;
    }
}

int main(void)
{
    WS_XML_READER *reader = NULL;
    HRESULT hr;

    e2e_init(60);
    if ((hr = WsCreateHeap(1 << 20, 0, NULL, 0, &heap, NULL)) != S_OK ||
        (hr = WsCreateReader(NULL, 0, &reader, NULL)) != S_OK)
    {
        e2e_fail("WsCreateHeap/WsCreateReader", hr, BUG_NONE);
        return 1;
    }
    check_attributes(reader);
    check_values(reader);
    check_navigation(reader);
    check_writer_insertion();
    check_derived_type(reader);
    check_binary_message(reader);
    check_encodings(reader);
    check_read_array(reader);
    check_buffer_from_bytes(reader);
    check_ncname();
    printf("xml: %lu dynamic strings asked for by the binary writer\n", (unsigned long)dynamic.calls);
    WsFreeReader(reader);
    WsFreeHeap(heap);
    return e2e_finish("xml");
}
