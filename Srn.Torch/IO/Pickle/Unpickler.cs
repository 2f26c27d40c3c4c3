using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Op = Srn.Torch.IO.Pickle.PickleOpcodes;

namespace Srn.Torch.IO.Pickle;

/// <summary>
/// A safe reader for the subset of Python's pickle format (protocols 2 to 5) that <c>torch.save</c> writes.
/// It builds plain values (see <see cref="PyValues"/>); module attributes are resolved only through the allow
/// list of <see cref="TorchGlobals"/>, and nothing is ever imported or executed. Opcodes outside the subset
/// (INST, OBJ, EXT*, out-of-band buffers, the text opcodes of protocol 0) are refused by name.
/// </summary>
internal sealed class Unpickler
{
    private const int HighestProtocol = 5;
    private const int MaxLineBytes = 4096;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream input;
    private readonly string source;
    private readonly Func<object?, object?>? persistentLoad;
    private readonly List<object?> stack = [];
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = [];

    /// <summary>Prepares to read one pickle from the current position of <paramref name="input"/>.</summary>
    /// <param name="input">A seekable stream; reading stops right after the pickle's STOP.</param>
    /// <param name="source">Names the file (and record) in error messages.</param>
    /// <param name="persistentLoad">Turns a persistent id into a value (storages); null when the pickle must have none.</param>
    public Unpickler(Stream input, string source, Func<object?, object?>? persistentLoad)
    {
        if (!input.CanSeek)
        {
            throw new ArgumentException("the unpickler needs a seekable stream", nameof(input));
        }

        this.input = input;
        this.source = source;
        this.persistentLoad = persistentLoad;
    }

    /// <summary>Reads one pickle and returns its value.</summary>
    /// <exception cref="InvalidDataException">For a truncated or malformed pickle, an unsupported opcode or a disallowed global; the message names the source, the problem and the byte offset.</exception>
    public object? Load()
    {
        long at = input.Position;
        byte? opcode = null;
        try
        {
            while (true)
            {
                at = input.Position;
                opcode = null;
                var b = input.ReadByte();
                if (b < 0)
                {
                    throw new InvalidDataException($"the pickle is truncated: the data ends at byte {at}, before the STOP opcode");
                }

                opcode = (byte)b;
                if (opcode == Op.Stop)
                {
                    return Pop();
                }

                Step(opcode.Value);
            }
        }
        catch (Exception e) when (e is InvalidDataException or OverflowException or DecoderFallbackException)
        {
            var where = opcode is { } op ? $" (pickle opcode {Op.Describe(op)} at byte {at})" : "";
            throw new InvalidDataException($"{source}: {e.Message}{where}", e);
        }
    }

    private void Step(byte opcode)
    {
        switch (opcode)
        {
            case Op.Proto:
                var version = ReadByte();
                if (version > HighestProtocol)
                {
                    throw new InvalidDataException($"pickle protocol {version} is newer than the highest this reader knows ({HighestProtocol})");
                }

                break;
            case Op.Frame:
                _ = ReadUInt64(); // frames only group the opcodes that follow; nothing to do
                break;
            case Op.Mark:
                marks.Push(stack.Count);
                break;
            case Op.Pop:
                if (marks.Count > 0 && marks.Peek() == stack.Count)
                {
                    marks.Pop();
                }
                else
                {
                    Pop();
                }

                break;
            case Op.PopMark:
                PopToMark();
                break;
            case Op.Dup:
                stack.Add(Peek());
                break;

            case Op.None:
                stack.Add(null);
                break;
            case Op.NewTrue:
                stack.Add(true);
                break;
            case Op.NewFalse:
                stack.Add(false);
                break;
            case Op.BinInt:
                stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
                break;
            case Op.BinInt1:
                stack.Add((long)ReadByte());
                break;
            case Op.BinInt2:
                stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)));
                break;
            case Op.Long1:
                PushLong(ReadByte());
                break;
            case Op.Long4:
                var n = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
                PushLong(n >= 0 ? n : throw new InvalidDataException($"LONG4 has negative length {n}"));
                break;
            case Op.BinFloat:
                stack.Add(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8)));
                break;

            case Op.ShortBinUnicode:
                stack.Add(StrictUtf8.GetString(ReadBytes(ReadByte())));
                break;
            case Op.BinUnicode:
                stack.Add(StrictUtf8.GetString(ReadBytes(ReadUInt32())));
                break;
            case Op.BinUnicode8:
                stack.Add(StrictUtf8.GetString(ReadBytes(ReadUInt64())));
                break;
            case Op.ShortBinString: // Python 2 str; torch.load decodes it as UTF-8
                stack.Add(StrictUtf8.GetString(ReadBytes(ReadByte())));
                break;
            case Op.BinString:
                var length = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
                stack.Add(length >= 0 ? StrictUtf8.GetString(ReadBytes(length)) : throw new InvalidDataException($"BINSTRING has negative length {length}"));
                break;
            case Op.ShortBinBytes:
                stack.Add(ReadBytes(ReadByte()));
                break;
            case Op.BinBytes:
                stack.Add(ReadBytes(ReadUInt32()));
                break;
            case Op.BinBytes8:
            case Op.ByteArray8:
                stack.Add(ReadBytes(ReadUInt64()));
                break;

            case Op.EmptyTuple:
                stack.Add(PyTuple.Empty);
                break;
            case Op.Tuple1:
            case Op.Tuple2:
            case Op.Tuple3:
                var count = opcode - Op.Tuple1 + 1;
                var items = new object?[count];
                for (var i = count - 1; i >= 0; i--)
                {
                    items[i] = Pop();
                }

                stack.Add(new PyTuple(items));
                break;
            case Op.Tuple:
                stack.Add(new PyTuple([.. PopToMark()]));
                break;
            case Op.EmptyList:
                stack.Add(new List<object?>());
                break;
            case Op.List:
                stack.Add(PopToMark());
                break;
            case Op.Append:
                var item = Pop();
                PeekAs<List<object?>>("APPEND").Add(item);
                break;
            case Op.Appends:
                var appended = PopToMark();
                PeekAs<List<object?>>("APPENDS").AddRange(appended);
                break;
            case Op.EmptyDict:
                stack.Add(new PyDict());
                break;
            case Op.Dict:
                var dict = new PyDict();
                SetPairs(dict, PopToMark());
                stack.Add(dict);
                break;
            case Op.SetItem:
                var value = Pop();
                var key = Pop();
                PeekAs<PyDict>("SETITEM").Set(key, value);
                break;
            case Op.SetItems:
                var pairs = PopToMark();
                SetPairs(PeekAs<PyDict>("SETITEMS"), pairs);
                break;
            case Op.EmptySet:
                stack.Add(new PySet([]));
                break;
            case Op.AddItems:
                var added = PopToMark();
                PeekAs<PySet>("ADDITEMS").Items.AddRange(added);
                break;
            case Op.FrozenSet:
                stack.Add(new PySet(PopToMark()));
                break;

            case Op.BinPut:
                memo[ReadByte()] = Peek();
                break;
            case Op.LongBinPut:
                memo[ReadUInt32()] = Peek();
                break;
            case Op.Memoize:
                memo[memo.Count] = Peek();
                break;
            case Op.BinGet:
                stack.Add(GetMemo(ReadByte()));
                break;
            case Op.LongBinGet:
                stack.Add(GetMemo(ReadUInt32()));
                break;

            case Op.Global:
                var module = ReadLine();
                stack.Add(ResolveGlobal(module, ReadLine()));
                break;
            case Op.StackGlobal:
                var name = Pop();
                var moduleName = Pop();
                stack.Add(name is string nameText && moduleName is string moduleText
                    ? ResolveGlobal(moduleText, nameText)
                    : throw new InvalidDataException($"STACK_GLOBAL gets {PyValues.Describe(moduleName)} and {PyValues.Describe(name)} instead of two strings"));
                break;
            case Op.Reduce:
            case Op.NewObj:
                var args = Pop();
                stack.Add(TorchGlobals.Call(Pop(), args));
                break;
            case Op.NewObjEx:
                var kwargs = Pop();
                var positional = Pop();
                stack.Add(kwargs is PyDict { Count: 0 }
                    ? TorchGlobals.Call(Pop(), positional)
                    : throw new InvalidDataException($"NEWOBJ_EX passes keyword arguments ({PyValues.Describe(kwargs)})"));
                break;
            case Op.Build:
                var state = Pop();
                TorchGlobals.Build(Peek(), state);
                break;
            case Op.BinPersId:
                var pid = Pop();
                stack.Add(persistentLoad is not null
                    ? persistentLoad(pid)
                    : throw new InvalidDataException("a persistent id appears in a pickle that must have none"));
                break;

            default:
                throw new InvalidDataException($"unsupported pickle opcode {Op.Describe(opcode)}: torch.save never writes it for a state dict");
        }
    }

    private static void SetPairs(PyDict dict, List<object?> items)
    {
        if (items.Count % 2 != 0)
        {
            throw new InvalidDataException($"a dict gets {items.Count} items after MARK, an odd number");
        }

        for (var i = 0; i < items.Count; i += 2)
        {
            dict.Set(items[i], items[i + 1]);
        }
    }

    // LONG1 / LONG4: a little-endian two's-complement integer; a long when it fits.
    private void PushLong(long byteCount)
    {
        if (byteCount > 1024)
        {
            throw new InvalidDataException($"an integer of {byteCount} bytes is beyond anything a checkpoint holds");
        }

        var value = new BigInteger(ReadBytes(byteCount), isUnsigned: false, isBigEndian: false);
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            stack.Add((long)value);
        }
        else
        {
            stack.Add(value);
        }
    }

    private static PyGlobal ResolveGlobal(string module, string name) =>
        TorchGlobals.Resolve(module, name) ?? throw new InvalidDataException(
            $"global '{module}.{name}' is not allowed: a state dict only needs {TorchGlobals.Summary}; nothing was imported or executed");

    private object? GetMemo(long index) =>
        memo.TryGetValue(index, out var value) ? value : throw new InvalidDataException($"memo entry {index} is read before it is written");

    private object? Pop()
    {
        var floor = marks.Count > 0 ? marks.Peek() : 0;
        if (stack.Count <= floor)
        {
            throw new InvalidDataException("the pickle's stack is empty where a value is needed");
        }

        var value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        var floor = marks.Count > 0 ? marks.Peek() : 0;
        return stack.Count > floor ? stack[^1] : throw new InvalidDataException("the pickle's stack is empty where a value is needed");
    }

    private T PeekAs<T>(string op)
        where T : class =>
        Peek() as T ?? throw new InvalidDataException($"{op} applies to {PyValues.Describe(stack[^1])}");

    private List<object?> PopToMark()
    {
        if (marks.Count == 0)
        {
            throw new InvalidDataException("the pickle pops to a MARK that was never set");
        }

        var start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start);
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    private byte ReadByte()
    {
        var b = input.ReadByte();
        return b >= 0 ? (byte)b : throw Truncated(1);
    }

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    private long ReadUInt64()
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
        return value <= long.MaxValue ? (long)value : throw new InvalidDataException($"length {value} is beyond any file");
    }

    private byte[] ReadBytes(long count)
    {
        if (count > input.Length - input.Position)
        {
            throw Truncated(count);
        }

        if (count > Array.MaxLength)
        {
            throw new InvalidDataException($"a value of {count} bytes is larger than one .NET array can hold");
        }

        var buffer = new byte[count];
        input.ReadExactly(buffer);
        return buffer;
    }

    private string ReadLine()
    {
        var bytes = new List<byte>();
        while (true)
        {
            var b = ReadByte();
            if (b == (byte)'\n')
            {
                return StrictUtf8.GetString([.. bytes]);
            }

            if (bytes.Count == MaxLineBytes)
            {
                throw new InvalidDataException($"a GLOBAL name runs past {MaxLineBytes} bytes without a newline");
            }

            bytes.Add(b);
        }
    }

    private InvalidDataException Truncated(long needed) =>
        new($"the pickle is truncated: {needed} more byte(s) needed at byte {input.Position} but the data ends at byte {input.Length}");
}
