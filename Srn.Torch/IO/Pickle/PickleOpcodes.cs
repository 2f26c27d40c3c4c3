namespace Srn.Torch.IO.Pickle;

/// <summary>The opcodes of Python's pickle protocols 0 to 5 (values and names as in CPython's <c>pickle.py</c>).</summary>
internal static class PickleOpcodes
{
    public const byte Mark = (byte)'(';
    public const byte Stop = (byte)'.';
    public const byte Pop = (byte)'0';
    public const byte PopMark = (byte)'1';
    public const byte Dup = (byte)'2';
    public const byte BinInt = (byte)'J';
    public const byte BinInt1 = (byte)'K';
    public const byte BinInt2 = (byte)'M';
    public const byte None = (byte)'N';
    public const byte BinPersId = (byte)'Q';
    public const byte Reduce = (byte)'R';
    public const byte BinString = (byte)'T';
    public const byte ShortBinString = (byte)'U';
    public const byte BinUnicode = (byte)'X';
    public const byte Append = (byte)'a';
    public const byte Build = (byte)'b';
    public const byte Global = (byte)'c';
    public const byte Dict = (byte)'d';
    public const byte EmptyDict = (byte)'}';
    public const byte Appends = (byte)'e';
    public const byte BinGet = (byte)'h';
    public const byte LongBinGet = (byte)'j';
    public const byte List = (byte)'l';
    public const byte EmptyList = (byte)']';
    public const byte BinPut = (byte)'q';
    public const byte LongBinPut = (byte)'r';
    public const byte SetItem = (byte)'s';
    public const byte Tuple = (byte)'t';
    public const byte EmptyTuple = (byte)')';
    public const byte SetItems = (byte)'u';
    public const byte BinFloat = (byte)'G';
    public const byte Proto = 0x80;
    public const byte NewObj = 0x81;
    public const byte Tuple1 = 0x85;
    public const byte Tuple2 = 0x86;
    public const byte Tuple3 = 0x87;
    public const byte NewTrue = 0x88;
    public const byte NewFalse = 0x89;
    public const byte Long1 = 0x8a;
    public const byte Long4 = 0x8b;
    public const byte BinBytes = (byte)'B';
    public const byte ShortBinBytes = (byte)'C';
    public const byte ShortBinUnicode = 0x8c;
    public const byte BinUnicode8 = 0x8d;
    public const byte BinBytes8 = 0x8e;
    public const byte EmptySet = 0x8f;
    public const byte AddItems = 0x90;
    public const byte FrozenSet = 0x91;
    public const byte NewObjEx = 0x92;
    public const byte StackGlobal = 0x93;
    public const byte Memoize = 0x94;
    public const byte Frame = 0x95;
    public const byte ByteArray8 = 0x96;

    private static readonly Dictionary<byte, string> Names = new()
    {
        [Mark] = "MARK", [Stop] = "STOP", [Pop] = "POP", [PopMark] = "POP_MARK", [Dup] = "DUP",
        [(byte)'F'] = "FLOAT", [(byte)'I'] = "INT", [BinInt] = "BININT", [BinInt1] = "BININT1", [(byte)'L'] = "LONG",
        [BinInt2] = "BININT2", [None] = "NONE", [(byte)'P'] = "PERSID", [BinPersId] = "BINPERSID", [Reduce] = "REDUCE",
        [(byte)'S'] = "STRING", [BinString] = "BINSTRING", [ShortBinString] = "SHORT_BINSTRING", [(byte)'V'] = "UNICODE",
        [BinUnicode] = "BINUNICODE", [Append] = "APPEND", [Build] = "BUILD", [Global] = "GLOBAL", [Dict] = "DICT",
        [EmptyDict] = "EMPTY_DICT", [Appends] = "APPENDS", [(byte)'g'] = "GET", [BinGet] = "BINGET", [(byte)'i'] = "INST",
        [LongBinGet] = "LONG_BINGET", [List] = "LIST", [EmptyList] = "EMPTY_LIST", [(byte)'o'] = "OBJ", [(byte)'p'] = "PUT",
        [BinPut] = "BINPUT", [LongBinPut] = "LONG_BINPUT", [SetItem] = "SETITEM", [Tuple] = "TUPLE", [EmptyTuple] = "EMPTY_TUPLE",
        [SetItems] = "SETITEMS", [BinFloat] = "BINFLOAT", [Proto] = "PROTO", [NewObj] = "NEWOBJ", [0x82] = "EXT1",
        [0x83] = "EXT2", [0x84] = "EXT4", [Tuple1] = "TUPLE1", [Tuple2] = "TUPLE2", [Tuple3] = "TUPLE3", [NewTrue] = "NEWTRUE",
        [NewFalse] = "NEWFALSE", [Long1] = "LONG1", [Long4] = "LONG4", [BinBytes] = "BINBYTES", [ShortBinBytes] = "SHORT_BINBYTES",
        [ShortBinUnicode] = "SHORT_BINUNICODE", [BinUnicode8] = "BINUNICODE8", [BinBytes8] = "BINBYTES8", [EmptySet] = "EMPTY_SET",
        [AddItems] = "ADDITEMS", [FrozenSet] = "FROZENSET", [NewObjEx] = "NEWOBJ_EX", [StackGlobal] = "STACK_GLOBAL",
        [Memoize] = "MEMOIZE", [Frame] = "FRAME", [ByteArray8] = "BYTEARRAY8", [0x97] = "NEXT_BUFFER", [0x98] = "READONLY_BUFFER",
    };

    /// <summary>The opcode's name and value for messages, e.g. <c>EXT1 (0x82)</c>; an unknown byte reads <c>0xff (not a pickle opcode)</c>.</summary>
    public static string Describe(byte opcode) =>
        Names.TryGetValue(opcode, out var name) ? $"{name} (0x{opcode:x2})" : $"0x{opcode:x2} (not a pickle opcode)";
}
