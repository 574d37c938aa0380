package stacks

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryConfigFieldHasExactlyOneKey(t *testing.T) {
	var c Config
	base := reflect.ValueOf(&c).Elem()
	fieldOf := map[uintptr]string{}
	for i := 0; i < base.NumField(); i++ {
		fieldOf[base.Field(i).Addr().Pointer()] = base.Type().Field(i).Name
	}
	covered := map[string]string{}
	for _, k := range Keys() {
		if k.field == nil {
			assert.True(t, strings.HasPrefix(k.Name, "aws:"), "%s has no Config field", k.Name)
			continue
		}
		name, ok := fieldOf[reflect.ValueOf(k.field(&c)).Pointer()]
		require.True(t, ok, "%s points outside Config", k.Name)
		prev, dup := covered[name]
		assert.False(t, dup, "%s and %s both set field %s", prev, k.Name, name)
		covered[name] = k.Name
	}
	for name := range fieldNames(fieldOf) {
		if name == "Stack" || name == "File" {
			continue
		}
		assert.Contains(t, covered, name, "Config.%s has no key in the key table", name)
	}
}

func fieldNames(m map[uintptr]string) map[string]bool {
	out := map[string]bool{}
	for _, v := range m {
		out[v] = true
	}
	return out
}

func TestKeyTableInvariants(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys() {
		assert.False(t, seen[k.Name], "duplicate key %s", k.Name)
		seen[k.Name] = true
		ns, _, _ := strings.Cut(k.Name, ":")
		assert.Contains(t, []string{"aws", Namespace}, ns, k.Name)
		assert.NotEmpty(t, k.Meaning, k.Name)
		if k.Required {
			assert.Empty(t, k.Default, "required key %s must not have a default", k.Name)
		}
		if k.Default != "" {
			v, msg := fromText(k.Type, k.Default)
			require.Empty(t, msg, "default of %s", k.Name)
			if k.check != nil {
				assert.Empty(t, k.check(v), "default of %s fails its own rule", k.Name)
			}
		}
		for _, a := range k.Allowed {
			v, msg := fromText(k.Type, a)
			require.Empty(t, msg, "allowed value %q of %s", a, k.Name)
			assert.Empty(t, k.check(v), "allowed value %q of %s fails its rule", a, k.Name)
		}
	}
}

func TestReleaseValues(t *testing.T) {
	var got []string
	for _, k := range Keys() {
		if k.Release {
			got = append(got, k.Name)
		}
	}
	slices.Sort(got)
	assert.Equal(t, []string{KeyActiveColor, KeyFrontendRelease, KeyIdleImageDigest, KeyIdleImageTag, KeyIdleWeight, KeyImageDigest,
		KeyImageTag, KeyLambdaAliasVersion, KeyLambdaArtifact, KeyLambdaArtifactRevision, KeyLambdaCanaryWeight}, got)
}

func TestKeysReturnsACopy(t *testing.T) {
	ks := Keys()
	ks[0].Name = "changed"
	assert.Equal(t, KeyRegion, Keys()[0].Name)
}

func TestLookup(t *testing.T) {
	k, ok := Lookup(KeyCanaryPercent)
	require.True(t, ok)
	assert.Equal(t, TypeInt, k.Type)
	assert.Equal(t, "10", k.Default)
	_, ok = Lookup("kirikae:canarypercent")
	assert.False(t, ok, "lookup is case-sensitive like Pulumi")
}

func TestFargateMemory(t *testing.T) {
	tests := []struct {
		cpu               int
		n, first, last    int
		contains, missing int
	}{
		{256, 3, 512, 2048, 1024, 1536},
		{512, 4, 1024, 4096, 3072, 512},
		{1024, 7, 2048, 8192, 5120, 1024},
		{2048, 13, 4096, 16384, 9216, 2048},
		{4096, 23, 8192, 30720, 20480, 31744},
		{8192, 12, 16384, 61440, 20480, 17408},
		{16384, 12, 32768, 122880, 40960, 36864},
	}
	for _, tt := range tests {
		mem := FargateMemory(tt.cpu)
		require.Len(t, mem, tt.n, "cpu %d", tt.cpu)
		assert.Equal(t, tt.first, mem[0], "cpu %d", tt.cpu)
		assert.Equal(t, tt.last, mem[len(mem)-1], "cpu %d", tt.cpu)
		assert.Contains(t, mem, tt.contains, "cpu %d", tt.cpu)
		assert.NotContains(t, mem, tt.missing, "cpu %d", tt.cpu)
	}
	assert.Nil(t, FargateMemory(300))
}

func TestRegions(t *testing.T) {
	r := Regions()
	assert.True(t, slices.IsSorted(r))
	assert.Contains(t, r, "us-east-1")
	assert.Contains(t, r, "eu-central-2")
	assert.NotContains(t, r, "us-east-3")
	r[0] = "changed"
	assert.NotEqual(t, "changed", Regions()[0], "Regions returns a copy")
}
