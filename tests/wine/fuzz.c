/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * End-to-end program: the XML readers on malformed input. A fixed set of seed documents (text,
 * binary and MTOM) is mutated (bytes replaced by random ones or by XML and binary-record bytes that
 * matter, the input cut short), and each mutant is read with a random series of reader calls:
 * WsReadNode, WsReadToStartElement, WsReadStartElement, WsReadEndElement, WsReadValue, WsReadType
 * of bytes, WsReadXmlBuffer, WsReadArray, then WsReadXmlBufferFromBytes over the same bytes.
 *
 * Nothing is expected of the results: malformed input may fail anywhere. What must hold is that
 * every call returns: no crash, no hang, no read past the input. Against Wine's builtin DLL such
 * inputs hang WsReadXmlBuffer, run the UTF-8 decoder past its buffer and crash after a failed
 * WsSetInput (bugs 0075 to 0078); against the patched DLL the program must end with
 * "fuzz: passed". The mutations come from a fixed pseudo-random sequence, so a run is repeatable:
 * FUZZ_SEED and FUZZ_COUNT (environment) choose another one; FUZZ_VERBOSE prints every input.
 *
 * Exit code 0 when every input was read to its end; a crash is reported by e2e.h's filter (exit
 * code 1), a hang by the watchdog (exit code 3).
 */
#include "e2e.h"

static unsigned int fuzz_state;

static unsigned int fuzz_random(void)
{
    fuzz_state = fuzz_state * 1103515245 + 12345;
    return (fuzz_state >> 16) & 0x7fff;
}

static const char *const text_seeds[] =
{
    "<a><b>1</b><c x=\"y\" xmlns=\"http://x/\" p:z=\"2\" xmlns:p=\"urn:p\">text<!--c--><![CDATA[cd]]></c></a>",
    ("<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">"
     "<s:Body><v>dGVzdA==</v><v>1</v><v>2</v></s:Body></s:Envelope>"),
    "<t a=\"\" b=' 1 '>  &lt;&amp;&#65;&#x42; \xc3\xa9\xe2\x82\xac</t>",
};

/* <t a="v"><u p:a="v"/>dG (base64) <c>x</c></t> in records of the binary encoding */
static const unsigned char binary_seed[] =
{
    0x40, 0x01, 't', 0x04, 0x01, 'a', 0x98, 0x01, 'v', 0x08, 0x01, 'u', 0x41, 0x01, 'p', 0x01, 'u',
    0x82, 0x9e, 0x02, 'd', 'G', 0x02, 0x01, 'c', 0x99, 0x01, 'x', 0x01,
};

/* Bytes that matter to the text reader (markup, references, multi-byte starts) and to the
 * binary one (record types). */
/* MTOM: the MIME header, a root part holding text XML with an xop:Include, and the binary part
 * it refers to (bytes that look like MIME and XML among them). */
static const char mtom_seed[] =
    "MIME-Version: 1.0\r\nContent-Type: multipart/related; type=\"application/xop+xml\"; boundary=\"b1\"; "
    "start=\"<r@x>\"; start-info=\"text/xml\"\r\n\r\n--b1\r\nContent-ID: <r@x>\r\n"
    "Content-Type: application/xop+xml;charset=utf-8;type=\"text/xml\"\r\n\r\n<t a=\"v\"><d><xop:Include "
    "href=\"cid:p@x\" xmlns:xop=\"http://www.w3.org/2004/08/xop/include\"/></d></t>\r\n--b1\r\n"
    "Content-ID: <p@x>\r\nContent-Transfer-Encoding: binary\r\n\r\n\x01--b\r\n<x>\r\n--b1--\r\n";

static const unsigned char interesting[] = "<>/=\"'&#;!-?x \xc3\xe2\x01\x40\x98\xaa\x9e\x82";

/* Reads from the input with up to 200 random calls, until the end of the input is reached. */
static void read_randomly(WS_XML_READER *reader, WS_HEAP *heap)
{
    static const WS_XML_STRING name_v = XML_STRING("v"), no_ns = { 0, NULL, NULL, 0 };
    const WS_XML_NODE *node;
    WS_XML_BUFFER *buffer;
    UINT32 value, values[4];
    WS_BYTES bytes;
    ULONG count;
    int i;

    for (i = 0; i < 200; i++)
    {
        switch (fuzz_random() % 8)
        {
        case 0: WsReadNode(reader, NULL); break;
        case 1: WsReadToStartElement(reader, NULL, NULL, NULL, NULL); break;
        case 2: WsReadStartElement(reader, NULL); break;
        case 3: WsReadEndElement(reader, NULL); break;
        case 4: WsReadValue(reader, WS_UINT32_VALUE_TYPE, &value, sizeof(value), NULL); break;
        case 5:
            WsReadType(reader, WS_ELEMENT_CONTENT_TYPE_MAPPING, WS_BYTES_TYPE, NULL, WS_READ_REQUIRED_VALUE, heap,
                       &bytes, sizeof(bytes), NULL);
            break;
        case 6: WsReadXmlBuffer(reader, heap, &buffer, NULL); break;
        default:
            WsReadArray(reader, &name_v, &no_ns, WS_UINT32_VALUE_TYPE, values, sizeof(values), 0, 4, &count, NULL);
            break;
        }
        if (WsGetReaderNode(reader, &node, NULL) == S_OK && node->nodeType == WS_XML_NODE_TYPE_EOF) break;
    }
}

enum kind { KIND_TEXT, KIND_BINARY, KIND_MTOM };

/* Fills data with a mutant of a seed; returns its length and in *kind its encoding. */
static ULONG make_input(unsigned char *data, ULONG size, enum kind *kind)
{
    ULONG length, mutations;

    if ((*kind = fuzz_random() % 3) == KIND_BINARY)
    {
        length = sizeof(binary_seed);
        memcpy(data, binary_seed, length);
    }
    else if (*kind == KIND_MTOM)
    {
        length = sizeof(mtom_seed) - 1;
        memcpy(data, mtom_seed, length);
    }
    else
    {
        const char *seed = text_seeds[fuzz_random() % ARRAYSIZE(text_seeds)];
        length = (ULONG)strlen(seed);
        memcpy(data, seed, length);
    }
    if (length > size) length = size;
    for (mutations = fuzz_random() % 6; mutations; mutations--)
    {
        switch (fuzz_random() % 3)
        {
        case 0: data[fuzz_random() % length] = (unsigned char)fuzz_random(); break;
        case 1: if (length > 1) length = 1 + fuzz_random() % (length - 1); break;
        default: data[fuzz_random() % length] = interesting[fuzz_random() % (sizeof(interesting) - 1)]; break;
        }
    }
    return length;
}

int main(void)
{
    WS_XML_READER_TEXT_ENCODING text = { { WS_XML_READER_ENCODING_TYPE_TEXT }, WS_CHARSET_AUTO };
    WS_XML_READER_BINARY_ENCODING binary = { { WS_XML_READER_ENCODING_TYPE_BINARY }, NULL, NULL };
    E2E_XML_READER_MTOM_ENCODING mtom = { { WS_XML_READER_ENCODING_TYPE_MTOM }, &text.encoding, TRUE, { 0, NULL },
                                          { 0, NULL }, { 0, NULL } };
    const WS_XML_READER_ENCODING *encodings[] = { &text.encoding, &binary.encoding, &mtom.encoding };
    static const char *const kind_names[] = { "text", "binary", "MTOM" };
    WS_XML_READER_BUFFER_INPUT input = { { WS_XML_READER_INPUT_TYPE_BUFFER }, NULL, 0 };
    const char *seed_text = getenv("FUZZ_SEED"), *count_text = getenv("FUZZ_COUNT");
    unsigned int count = count_text ? (unsigned int)atoi(count_text) : 20000, i;
    BOOL verbose = getenv("FUZZ_VERBOSE") != NULL;
    enum kind kind;
    unsigned char data[512];
    WS_XML_READER *reader;
    WS_XML_BUFFER *buffer;
    WS_HEAP *heap;
    HRESULT hr;

    e2e_init(240);
    fuzz_state = seed_text ? (unsigned int)atoi(seed_text) : 12345;
    e2e_phase_set("reading mutated input", BUG_NONE);
    if ((hr = WsCreateReader(NULL, 0, &reader, NULL)) != S_OK)
    {
        e2e_fail("WsCreateReader", hr, BUG_NONE);
        return e2e_finish("fuzz");
    }
    for (i = 0; i < count; i++)
    {
        ULONG length = make_input(data, sizeof(data), &kind), k;

        if (verbose)
        {
            printf("input %u (%s, %lu bytes):", i, kind_names[kind], (unsigned long)length);
            for (k = 0; k < length; k++) printf(" %02x", data[k]);
            printf("\n");
        }
        if ((hr = WsCreateHeap(1 << 16, 0, NULL, 0, &heap, NULL)) != S_OK)
        {
            e2e_fail("WsCreateHeap", hr, BUG_NONE);
            break;
        }
        input.encodedData = data;
        input.encodedDataSize = length;
        /* read even when the input was refused: the reader must be left without one */
        WsSetInput(reader, encodings[kind], &input.input, NULL, 0, NULL);
        read_randomly(reader, heap);
        WsReadXmlBufferFromBytes(reader, kind == KIND_TEXT ? NULL : encodings[kind], NULL, 0, data, length, heap,
                                 &buffer, NULL);
        WsFreeHeap(heap);
    }
    WsFreeReader(reader);
    printf("fuzz: %u mutated inputs read (seed %u)\n", i, seed_text ? (unsigned int)atoi(seed_text) : 12345);
    return e2e_finish("fuzz");
}
